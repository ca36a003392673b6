// Finds the Dag a job names, importing its file once per version: the runner's only contact with DAG files.
import { statSync } from 'node:fs';
import type { Dag } from '../../engine/dag-builder';
import { loadDagFile } from '../../engine/load-dag-file';
import { RunnerError } from './task-errors';

/**
 * DAG files by path, loaded or loading, with the mtime they were loaded at. import() of an already-loaded URL
 * still goes through tsx's resolve hook on the loader thread (≈ 0.35 ms); a stat is ≈ 20 µs, and taken
 * synchronously, since the thread pool's answer would wait for a turn of an event loop busy with other tries.
 * The promise is kept so a warm-up and the first tries share one import.
 */
const loaded = new Map<string, { mtimeMs: number; dags: Promise<Dag[]> }>();

async function loadDags(fileloc: string): Promise<Dag[]> {
  const { mtimeMs } = statSync(fileloc);
  const cached = loaded.get(fileloc);
  if (cached?.mtimeMs === mtimeMs) return cached.dags;
  const dags = loadDagFile(fileloc);
  loaded.set(fileloc, { mtimeMs, dags });
  // A failed import is not kept: the next try imports again (the file may be mid-edit).
  dags.catch(() => {
    if (loaded.get(fileloc)?.dags === dags) loaded.delete(fileloc);
  });
  return dags;
}

/**
 * Imports a DAG file before any try of it arrives. A cold import takes hundreds of milliseconds (tsx
 * compiles the file and everything it imports), and every try sent meanwhile would wait for it.
 */
export function warmDagFile(fileloc: string): void {
  loadDags(fileloc).catch(() => {}); // its tries report the error
}

export async function findDag(fileloc: string, dagId: string): Promise<Dag> {
  let dags: Dag[];
  try {
    dags = await loadDags(fileloc);
  } catch (err) {
    // Retriable: the file may be mid-edit, or depend on something that comes back.
    const message = err instanceof Error ? err.message : String(err);
    throw new RunnerError('DagImportError', `could not import DAG file ${fileloc}: ${message}`, true);
  }
  const dag = dags.find((d) => d.dagId === dagId);
  if (!dag) {
    throw new RunnerError(
      'DagNotFoundError',
      `DAG '${dagId}' is not defined in ${fileloc}; it defines: ${dags.map((d) => d.dagId).join(', ') || 'no DAGs'}`,
      false,
    );
  }
  return dag;
}
