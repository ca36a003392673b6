// How a file that threw at import is described in its import error (a DAG file or a plugin): the error and the
// top of its stack, which is where the author looks first.
export function describeImportFailure(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return `the file threw ${JSON.stringify(err)}`;
}
