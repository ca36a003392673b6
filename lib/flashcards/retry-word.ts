// "Retry this word" on the deck page: clears one failed word's mapped generate_card instance and the tasks after
// it (save_deck, report), so the scheduler runs the word again and the run goes back to queued.
// Only a failed word qualifies: a stale button must not regenerate a card that meanwhile succeeded.
import type { SqlClient } from '../store/database';
import { recordEvent } from '../store/event-log';
import { clearTaskInstances } from '../store/task-actions';
import { FLASHCARDS_DAG_ID, GENERATE_TASK_ID } from './deck-progress';
import { FAILED_STATES } from '../engine/task-states';

export interface WordRef {
  runId: string;
  mapIndex: number;
}

export type RetryWordResult =
  | { ok: true; message: string; cleared: Array<{ task_id: string; map_index: number }> }
  | { ok: false; reason: 'invalid' | 'not_found' | 'not_failed'; message: string };

const RETRYABLE: ReadonlySet<string> = new Set(FAILED_STATES);
const NOT_FAILED_YET = 'This word is still queued or running; it can be retried once it has failed.';

export async function retryFailedWord(sql: SqlClient, word: WordRef, opts: { now: Date; actor: string }): Promise<RetryWordResult> {
  const { runId, mapIndex } = word;
  if (typeof runId !== 'string' || runId === '' || !Number.isInteger(mapIndex) || mapIndex < 0) {
    return { ok: false, reason: 'invalid', message: 'Invalid word.' };
  }
  const [ti] = await sql.query<{ state: string }>(
    `SELECT state FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = $4`,
    [FLASHCARDS_DAG_ID, runId, GENERATE_TASK_ID, mapIndex],
  );
  if (!ti) return { ok: false, reason: 'not_found', message: 'This run has no such word.' };
  if (!RETRYABLE.has(ti.state)) {
    const message = ti.state === 'success' ? 'This word already has its card.' : NOT_FAILED_YET;
    return { ok: false, reason: 'not_failed', message };
  }
  const cleared = await clearTaskInstances(
    sql,
    { dagId: FLASHCARDS_DAG_ID, runId, taskIds: [GENERATE_TASK_ID], mapIndexes: [mapIndex], includeDownstream: true },
    opts.now,
  );
  // The state may have changed between the read and the clear (another click, the scheduler): clear refuses
  // running and queued instances, so nothing cleared means the word is no longer failed.
  if (!cleared.some((t) => t.task_id === GENERATE_TASK_ID)) return { ok: false, reason: 'not_failed', message: NOT_FAILED_YET };
  await recordEvent(
    sql,
    { event: 'ui.retry_word', owner: opts.actor, dagId: FLASHCARDS_DAG_ID, runId, taskId: GENERATE_TASK_ID, mapIndex },
    opts.now,
  );
  return { ok: true, message: 'Retrying.', cleared: cleared.map((t) => ({ task_id: t.task_id, map_index: t.map_index })) };
}
