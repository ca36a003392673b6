// A message that did not reach its channel (a webhook, an SMTP server). Alerts retry it by their policy and tasks by
// theirs, unless it is `permanent`: a 404 webhook or a rejected mailbox will not get better by asking again.
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
