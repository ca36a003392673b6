// A message-sending operator's failure as its task's error: a permanent one (a revoked webhook, a refused mailbox)
// ends the task at once; others leave it to the task's retries.
import { NonRetriableError } from '../engine/task-context';
import { DeliveryError } from '../hooks/delivery-error';

export async function deliverOrFail<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof DeliveryError && error.permanent) throw new NonRetriableError(error.message);
    throw error;
  }
}
