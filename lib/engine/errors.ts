// Typed errors for the outcomes a caller must tell apart; lib/api maps them to HTTP statuses and the CLI
// to one line and an exit code. Their messages are written for the user who caused them.

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** Input that breaks a rule; `fields` names each offending field with its problem. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly fields: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}
