// What a deck page shows while a french_flashcards run fills the deck: one line per word the run lists (the card's
// dag_run_id and map_index, the mapped generate_card instance that makes it), its phase, attempts and reasons — one
// query per poll. Also the length limit a card was generated under (its run's max_example_chars).
import { DEFAULT_MAX_CHARS } from '../llm/card-schema';
import { INPUT_REASONS } from '../llm/reason-codes';
import type { SqlClient } from '../store/database';
import { FailureReasonSchema, type FailureReason } from './card-content';

export const FLASHCARDS_DAG_ID = 'french_flashcards';
export const GENERATE_TASK_ID = 'generate_card';
const PARSE_TASK_ID = 'parse_vocabulary';

/** A word's place in the run, in the words a person uses. `reasking`: the model is being asked again this try. */
export const WORD_PHASES = ['queued', 'running', 'reasking', 'retrying', 'done', 'failed', 'skipped'] as const;
export type WordPhase = (typeof WORD_PHASES)[number];

export interface WordProgress {
  mapIndex: number;
  cardId: number;
  word: string;
  hint: string | null;
  phase: WordPhase;
  /** The task instance's Airflow state (null before the scheduler created it). */
  taskState: string | null;
  tryNumber: number;
  /** Attempts over all tries, and in the current try. */
  attempts: number;
  attemptsThisTry: number;
  /** Of `attempts`, those that got no answer (timeout, 429, 5xx…): the provider's doing, not the model's. */
  providerErrors: number;
  /** Reason codes of the latest attempt ([] when it was valid or none was made). */
  lastReasons: string[];
  /** Why the card failed, as stored on the card (codes and messages). */
  failureReasons: FailureReason[];
  /** The task's last error line, when it failed or waits for a retry. */
  error: string | null;
  nextRetryAt: Date | null;
}

export interface RunProgress {
  dagId: string;
  runId: string;
  state: string;
  queuedAt: Date | null;
  startDate: Date | null;
  endDate: Date | null;
  maxChars: number;
  /** parse_vocabulary's state and error: a refused vocabulary fails the run before any word exists. */
  parseState: string | null;
  parseError: string | null;
  finished: boolean;
  words: WordProgress[];
  counts: Record<WordPhase, number>;
  /** Failed words that were never sent (too long to fit the limit): the run failed without the model being at fault. */
  rejectedBeforeCall: number;
}

interface RunRow {
  id: number;
  dag_id: string;
  run_id: string;
  state: string;
  queued_at: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  conf: Record<string, unknown>;
}

const RUN_COLUMNS = 'r.id, r.dag_id, r.run_id, r.state, r.queued_at, r.start_date, r.end_date, r.conf';

/**
 * The french_flashcards run that last filled this deck: the one whose conf names the deck (the web form makes the
 * deck first), or the one that last listed cards of the deck (card.dag_run_id, recorded by parse_vocabulary).
 */
export async function latestDeckRun(sql: SqlClient, deck: { id: number }): Promise<RunRow | null> {
  const [row] = await sql.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM dag_run r
      WHERE r.dag_id = $1
        AND (r.conf->'deck_id' = to_jsonb($2::int) OR r.id IN (SELECT c.dag_run_id FROM card c WHERE c.deck_id = $2 AND c.dag_run_id IS NOT NULL))
      ORDER BY r.logical_date DESC, r.id DESC LIMIT 1`,
    [FLASHCARDS_DAG_ID, deck.id],
  );
  return row ?? null;
}

export async function findFlashcardRun(sql: SqlClient, runId: string): Promise<RunRow | null> {
  const [row] = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM dag_run r WHERE r.dag_id = $1 AND r.run_id = $2`, [FLASHCARDS_DAG_ID, runId]);
  return row ?? null;
}

export function maxCharsOf(conf: Record<string, unknown> | null | undefined): number {
  const v = conf?.max_example_chars;
  return typeof v === 'number' && Number.isInteger(v) ? v : DEFAULT_MAX_CHARS;
}

/** The max_example_chars of the calling run: the limit it generates under. */
export async function runMaxChars(sql: SqlClient, run: { dagId: string; runId: string }): Promise<number> {
  const [row] = await sql.query<{ conf: Record<string, unknown> | null }>(`SELECT conf FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [
    run.dagId,
    run.runId,
  ]);
  return maxCharsOf(row?.conf);
}

interface WordRow {
  map_index: number;
  card_id: number;
  word: string;
  hint: string | null;
  state: string | null;
  try_number: number | null;
  last_error: string | null;
  next_retry_at: Date | null;
  attempts: number;
  attempts_this_try: number;
  provider_errors: number;
  last_reasons: unknown;
  failure_reasons: unknown;
}

/** The run's words with their progress, in map order. */
export async function runProgress(sql: SqlClient, run: RunRow): Promise<RunProgress> {
  const [words, [parse]] = await Promise.all([
    sql.query<WordRow>(
      `SELECT c.map_index, c.id AS card_id, c.word, c.hint, ti.state, ti.try_number, ti.last_error, ti.next_retry_at,
              coalesce(a.attempts, 0) AS attempts, coalesce(a.attempts_this_try, 0) AS attempts_this_try,
              coalesce(a.provider_errors, 0) AS provider_errors, a.last_reasons, c.failure_reasons
         FROM card c
         LEFT JOIN task_instance ti ON ti.dag_id = $2 AND ti.run_id = $3 AND ti.task_id = $4 AND ti.map_index = c.map_index
         LEFT JOIN LATERAL (
           SELECT count(*)::int AS attempts,
                  count(*) FILTER (WHERE la.try_number = ti.try_number)::int AS attempts_this_try,
                  count(*) FILTER (WHERE la.outcome = 'provider_error')::int AS provider_errors,
                  (array_agg(la.reason_codes ORDER BY la.try_number DESC, la.attempt DESC))[1] AS last_reasons
             FROM llm_attempt la
            WHERE la.dag_id = $2 AND la.run_id = $3 AND la.task_id = $4 AND la.map_index = c.map_index
         ) a ON true
        WHERE c.dag_run_id = $1
        ORDER BY c.map_index`,
      [run.id, run.dag_id, run.run_id, GENERATE_TASK_ID],
    ),
    sql.query<{ state: string; last_error: string | null }>(
      `SELECT state, last_error FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1`,
      [run.dag_id, run.run_id, PARSE_TASK_ID],
    ),
  ]);
  const progress = words.map(toWordProgress);
  const counts = Object.fromEntries(WORD_PHASES.map((p) => [p, 0])) as Record<WordPhase, number>;
  for (const w of progress) counts[w.phase] += 1;
  return {
    dagId: run.dag_id,
    runId: run.run_id,
    state: run.state,
    queuedAt: run.queued_at,
    startDate: run.start_date,
    endDate: run.end_date,
    maxChars: maxCharsOf(run.conf),
    parseState: parse?.state ?? null,
    parseError: parse?.last_error ?? null,
    finished: run.state === 'success' || run.state === 'failed',
    words: progress,
    counts,
    rejectedBeforeCall: progress.filter(rejectedBeforeCall).length,
  };
}

/** A word the run refused before asking the model: its card failed for a reason decided before any call, unasked. */
export function rejectedBeforeCall(w: Pick<WordProgress, 'attempts' | 'failureReasons'>): boolean {
  return w.attempts === 0 && w.failureReasons.some((r) => (INPUT_REASONS as readonly string[]).includes(r.code));
}

const FailureReasonsSchema = FailureReasonSchema.array().catch([]);

function toWordProgress(r: WordRow): WordProgress {
  const tryNumber = r.try_number ?? 0;
  const lastReasons = Array.isArray(r.last_reasons) ? r.last_reasons.map(String) : [];
  return {
    mapIndex: r.map_index,
    cardId: r.card_id,
    word: r.word,
    hint: r.hint,
    phase: phaseOf(r.state, r.attempts_this_try > 0 && lastReasons.length > 0),
    taskState: r.state,
    tryNumber,
    attempts: r.attempts,
    attemptsThisTry: r.attempts_this_try,
    providerErrors: r.provider_errors,
    lastReasons,
    failureReasons: FailureReasonsSchema.parse(r.failure_reasons ?? []),
    error: r.state === 'success' ? null : r.last_error,
    nextRetryAt: r.next_retry_at,
  };
}

/** `lastAttemptFailed`: this try already has an attempt and the latest one was refused, so the model is asked again. */
export function phaseOf(state: string | null, lastAttemptFailed: boolean): WordPhase {
  switch (state) {
    case 'running':
      return lastAttemptFailed ? 'reasking' : 'running';
    case 'up_for_retry':
    case 'up_for_reschedule':
    case 'restarting':
      return 'retrying';
    case 'success':
      return 'done';
    case 'failed':
    case 'upstream_failed':
      return 'failed';
    case 'skipped':
    case 'removed':
      return 'skipped';
    default:
      return 'queued';
  }
}
