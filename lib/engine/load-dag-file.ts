// Imports one DAG file and returns the DAGs it exports. The process must run with tsx's loader
// (`node --import tsx`) so `.ts` files import natively.
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { isDag, type Dag } from './dag-builder';

/**
 * `?v=<mtime>` makes Node import an edited file anew instead of answering from its module cache;
 * an unchanged file keeps its cached module, so repeated loads cost nothing.
 */
export async function loadDagFile(absolutePath: string): Promise<Dag[]> {
  const { mtimeMs } = await stat(absolutePath);
  const url = `${pathToFileURL(absolutePath).href}?v=${Math.trunc(mtimeMs)}`;
  const mod = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url)) as Record<string, unknown>;
  const found: Dag[] = [];
  for (const value of Object.values(mod)) {
    if (isDag(value) && !found.includes(value)) found.push(value);
  }
  return found;
}
