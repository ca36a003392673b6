// Typed errors for the outcomes a caller must tell apart; lib/api maps them to HTTP statuses and the CLI
// to one line and an exit code. Their messages are written for the user who caused them.

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The caller may not do this (a role too low, or a feature the deployment switched off). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The server is busy with work of this kind already; asking again a little later will do. */
export class BusyError extends Error {
  override name = 'BusyError';
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

/**
 * Errors that say the request itself is wrong (bad input, unknown id, conflict): asking again cannot help,
 * so a task whose service call fails this way fails without retrying.
 */
export function isPermanentError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err instanceof InvalidInputError ||
    err instanceof NotFoundError ||
    err instanceof ConflictError ||
    ['NonRetriableError', 'ServiceContractError', 'ZodError', 'LlmConfigError', 'VocabularyError'].includes(err.name)
  );
}
