'use server';
// "Retry this word": clears the word's mapped generate_card instance (and the leaves after it) so the scheduler
// runs it again; the run goes back to queued and the deck page's poll shows it move.
import { FLASHCARDS_DAG_ID, GENERATE_TASK_ID } from '../../../lib/flashcards/deck-progress';
import { getRuntime } from '../../../lib/runtime/app-context';
import { recordEvent } from '../../../lib/store/event-log';
import { clearTaskInstances } from '../../../lib/store/task-actions';

export async function retryWord(runId: string, mapIndex: number): Promise<{ ok: boolean; message: string }> {
  if (typeof runId !== 'string' || !Number.isInteger(mapIndex) || mapIndex < 0) return { ok: false, message: 'Invalid word.' };
  const rt = getRuntime();
  const now = rt.clock.now();
  const cleared = await clearTaskInstances(
    rt.db.sql,
    { dagId: FLASHCARDS_DAG_ID, runId, taskIds: [GENERATE_TASK_ID], mapIndexes: [mapIndex], includeDownstream: true },
    now,
  );
  if (!cleared.some((t) => t.task_id === GENERATE_TASK_ID)) {
    return { ok: false, message: 'This word is still queued or running; it can be retried once it has failed.' };
  }
  await recordEvent(rt.db.sql, { event: 'ui.retry_word', owner: 'anonymous', dagId: FLASHCARDS_DAG_ID, runId, taskId: GENERATE_TASK_ID, mapIndex }, now);
  rt.scheduler.wake();
  return { ok: true, message: 'Retrying.' };
}
