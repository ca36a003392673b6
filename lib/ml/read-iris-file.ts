// An Iris CSV read by a task: bad data stays bad however often it is read, so a malformed file fails the task at
// once (naming the line) rather than after a retry delay.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NonRetriableError } from '../engine/task-context';
import { CsvFormatError, parseIrisCsv, type ParsedCsv } from './iris-csv';

export async function readIrisFile(file: string): Promise<ParsedCsv> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new NonRetriableError(err.code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${err.message}`);
  });
  try {
    return parseIrisCsv(text, path.basename(file));
  } catch (err) {
    if (err instanceof CsvFormatError) throw new NonRetriableError(err.message);
    throw err;
  }
}
