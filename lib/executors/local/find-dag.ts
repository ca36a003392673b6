// Finds the Dag a job names, importing its file once per version: the runner's only contact with DAG files.
import { stat } from 'node:fs/promises';
import type { Dag } from '../../engine/dag-builder';
import { loadDagFile } from '../../engine/load-dag-file';
import { RunnerError } from './task-errors';

/**
 * Loaded DAG files by path, with the mtime they were loaded at. import() of an already-loaded URL still
 * goes through tsx's resolve hook on the loader thread (≈ 0.35 ms); a stat is ≈ 20 µs.
 */
const loaded = new Map<string, { mtimeMs: number; dags: Dag[] }>();

async function loadDags(fileloc: string): Promise<Dag[]> {
  const { mtimeMs } = await stat(fileloc);
  const cached = loaded.get(fileloc);
  if (cached?.mtimeMs === mtimeMs) return cached.dags;
  const dags = await loadDagFile(fileloc);
  loaded.set(fileloc, { mtimeMs, dags });
  return dags;
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
