// Reads of llm_attempt for the LLM quality dashboard and /api/v1/llm: the filter every view shares (as one SQL
// WHERE), the attempt list and one attempt with everything sent and received, and the values the filters offer.
import type { AttemptOutcome } from '../llm/attempt-integrity';
import type { SqlClient } from './database';

/** What the dashboard and /api/v1/llm/{stats,attempts} filter attempts by; absent fields do not filter. */
export interface LlmAttemptFilter {
  model?: string;
  promptVersion?: string;
  strategy?: string;
  deckId?: number;
  dagId?: string;
  taskId?: string;
  runId?: string;
  /**
   * Only flashcard attempts: those with a length rule (max_chars > 0). A general LLM task (askLlm) records 0, so the
   * card panels (words, example lengths, the limit) are not diluted by answers that are not cards.
   */
  cardsOnly?: boolean;
  /** created_at ≥ since */
  since?: Date;
  /** created_at < until */
  until?: Date;
}

/** `WHERE …` over llm_attempt (alias `a`) and its parameters, numbered from `$1`. */
export function attemptWhere(f: LlmAttemptFilter): { where: string; params: unknown[] } {
  return {
    where: `($1::text IS NULL OR a.model = $1) AND ($2::text IS NULL OR a.prompt_version = $2)
        AND ($3::text IS NULL OR a.strategy = $3) AND ($4::int IS NULL OR a.deck_id = $4)
        AND ($5::text IS NULL OR a.dag_id = $5) AND ($6::text IS NULL OR a.run_id = $6)
        AND ($7::timestamptz IS NULL OR a.created_at >= $7) AND ($8::timestamptz IS NULL OR a.created_at < $8)
        AND ($9::text IS NULL OR a.task_id = $9) AND ($10::boolean IS NOT TRUE OR a.max_chars > 0)`,
    params: [
      f.model ?? null, f.promptVersion ?? null, f.strategy ?? null, f.deckId ?? null, f.dagId ?? null, f.runId ?? null,
      f.since ?? null, f.until ?? null, f.taskId ?? null, f.cardsOnly ?? null,
    ],
  };
}

export interface LlmAttemptSummary {
  id: number;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  deckId: number | null;
  word: string;
  attempt: number;
  model: string;
  provider: string;
  promptVersion: string;
  strategy: string;
  valid: boolean;
  outcome: AttemptOutcome;
  reasonCodes: string[];
  exampleLength: number | null;
  translationLength: number | null;
  maxChars: number;
  latencyMs: number;
  /** Null on rows recorded before they were measured. */
  requestCount: number | null;
  retryWaitMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  error: string | null;
  createdAt: Date;
}

export interface LlmAttemptDetail extends LlmAttemptSummary {
  requestMessages: unknown;
  rawResponse: string | null;
  parsed: unknown;
}

interface AttemptRow {
  id: number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  deck_id: number | null;
  word: string;
  attempt: number;
  model: string;
  provider: string;
  prompt_version: string;
  strategy: string;
  valid: boolean;
  outcome: AttemptOutcome;
  reason_codes: unknown;
  example_length: number | null;
  translation_length: number | null;
  max_chars: number;
  latency_ms: number;
  request_count: number | null;
  retry_wait_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  error: string | null;
  created_at: Date;
}

const SUMMARY_COLUMNS = `a.id, a.dag_id, a.run_id, a.task_id, a.map_index, a.try_number, a.deck_id, a.word, a.attempt, a.model,
  a.provider, a.prompt_version, a.strategy, a.valid, a.outcome, a.reason_codes, a.example_length, a.translation_length,
  a.max_chars, a.latency_ms, a.request_count, a.retry_wait_ms, a.prompt_tokens, a.completion_tokens, a.error, a.created_at`;

function toSummary(r: AttemptRow): LlmAttemptSummary {
  return {
    id: r.id,
    dagId: r.dag_id,
    runId: r.run_id,
    taskId: r.task_id,
    mapIndex: r.map_index,
    tryNumber: r.try_number,
    deckId: r.deck_id,
    word: r.word,
    attempt: r.attempt,
    model: r.model,
    provider: r.provider,
    promptVersion: r.prompt_version,
    strategy: r.strategy,
    valid: r.valid,
    outcome: r.outcome,
    reasonCodes: Array.isArray(r.reason_codes) ? r.reason_codes.map(String) : [],
    exampleLength: r.example_length,
    translationLength: r.translation_length,
    maxChars: r.max_chars,
    latencyMs: r.latency_ms,
    requestCount: r.request_count,
    retryWaitMs: r.retry_wait_ms,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    error: r.error,
    createdAt: r.created_at,
  };
}

export interface AttemptListFilter extends LlmAttemptFilter {
  /** The word, case-insensitively. */
  word?: string;
  valid?: boolean;
  outcome?: AttemptOutcome;
  limit: number;
  offset: number;
}

function listWhere(f: AttemptListFilter): { where: string; params: unknown[] } {
  const { where, params } = attemptWhere(f);
  return {
    where: `${where} AND ($11::text IS NULL OR lower(a.word) = lower($11)) AND ($12::boolean IS NULL OR a.valid = $12)
        AND ($13::text IS NULL OR a.outcome = $13)`,
    params: [...params, f.word ?? null, f.valid ?? null, f.outcome ?? null],
  };
}

/**
 * One page of the attempts matching the filter, newest first. No total: counting every match costs a scan of
 * the table, while the newest rows come from the created_at index (the dashboard takes its total from llmStats).
 */
export async function recentLlmAttempts(sql: SqlClient, f: AttemptListFilter): Promise<LlmAttemptSummary[]> {
  const { where, params } = listWhere(f);
  const rows = await sql.query<AttemptRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM llm_attempt a WHERE ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT $14 OFFSET $15`,
    [...params, f.limit, f.offset],
  );
  return rows.map(toSummary);
}

/** Attempts matching the filter, newest first, with the total for paging. */
export async function listLlmAttempts(sql: SqlClient, f: AttemptListFilter): Promise<{ attempts: LlmAttemptSummary[]; total: number }> {
  const { where, params } = listWhere(f);
  // Two statements, not count(*) OVER (): the window would read and sort every match to return 25 of them.
  const [attempts, [count]] = await Promise.all([
    recentLlmAttempts(sql, f),
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM llm_attempt a WHERE ${where}`, params),
  ]);
  return { attempts, total: count?.total ?? 0 };
}

export async function getLlmAttempt(sql: SqlClient, id: number): Promise<LlmAttemptDetail | null> {
  const [row] = await sql.query<AttemptRow & { request_messages: unknown; raw_response: string | null; parsed: unknown }>(
    `SELECT ${SUMMARY_COLUMNS}, a.request_messages, a.raw_response, a.parsed FROM llm_attempt a WHERE a.id = $1`,
    [id],
  );
  if (!row) return null;
  return { ...toSummary(row), requestMessages: row.request_messages, rawResponse: row.raw_response, parsed: row.parsed };
}

export interface LlmFilterOptions {
  models: string[];
  promptVersions: string[];
  strategies: string[];
  decks: Array<{ id: number; name: string }>;
  /** The most recent runs that made attempts. */
  runs: Array<{ dagId: string; runId: string; lastAt: Date }>;
  /** Every task that made attempts, by DAG. */
  tasks: Array<{ dagId: string; taskId: string }>;
}

/**
 * The distinct values of `cols` (a prefix of an index's columns), walked through the index one value to the next
 * (a loose index scan): one probe per distinct value instead of reading every attempt, so the filters cost the same
 * over a hundred attempts as over a million.
 */
function distinctByIndex(cols: readonly string[]): string {
  const list = cols.join(', ');
  const key = cols.length === 1 ? cols[0]! : `(${list})`;
  const prev = cols.length === 1 ? `d.${cols[0]}` : `(${cols.map((c) => `d.${c}`).join(', ')})`;
  return `WITH RECURSIVE d AS (
      (SELECT ${list} FROM llm_attempt ORDER BY ${list} LIMIT 1)
      UNION ALL
      SELECT n.* FROM d CROSS JOIN LATERAL (SELECT ${list} FROM llm_attempt WHERE ${key} > ${prev} ORDER BY ${list} LIMIT 1) n
    ) SELECT ${list} FROM d`;
}

/** The values the dashboard's filters can take: what the attempts recorded. */
export async function llmFilterOptions(sql: SqlClient, recentRuns = 50): Promise<LlmFilterOptions> {
  const [[dims], decks] = await Promise.all([
    // Each list walks its own index (distinctByIndex); a run's latest attempt is one backward probe of
    // (dag_id, run_id, created_at). Reading the table once with grouping sets took a third of the page's time on
    // 100,000 attempts (bench/dashboard-data.ts).
    sql.query<{ models: string[] | null; prompt_versions: string[] | null; strategies: string[] | null; runs: Array<{ dag_id: string; run_id: string; last_at: string }> | null; tasks: Array<{ dag_id: string; task_id: string }> | null }>(
      `SELECT (SELECT json_agg(model ORDER BY model) FROM (${distinctByIndex(['model'])}) m) AS models,
              (SELECT json_agg(prompt_version ORDER BY prompt_version) FROM (${distinctByIndex(['prompt_version'])}) p) AS prompt_versions,
              (SELECT json_agg(strategy ORDER BY strategy) FROM (${distinctByIndex(['strategy'])}) s) AS strategies,
              (SELECT json_agg(json_build_object('dag_id', dag_id, 'run_id', run_id, 'last_at', last_at) ORDER BY last_at DESC, dag_id, run_id)
                 FROM (SELECT r.dag_id, r.run_id, l.last_at
                         FROM (${distinctByIndex(['dag_id', 'run_id'])}) r
                        CROSS JOIN LATERAL (SELECT max(a.created_at) AS last_at FROM llm_attempt a
                                             WHERE a.dag_id = r.dag_id AND a.run_id = r.run_id) l
                        ORDER BY l.last_at DESC, r.dag_id, r.run_id LIMIT $1) r) AS runs,
              (SELECT json_agg(json_build_object('dag_id', dag_id, 'task_id', task_id) ORDER BY dag_id, task_id)
                 FROM (${distinctByIndex(['dag_id', 'task_id'])}) t) AS tasks`,
      [recentRuns],
    ),
    sql.query<{ id: number; name: string }>(
      `SELECT d.id, d.name FROM deck d WHERE EXISTS (SELECT 1 FROM llm_attempt a WHERE a.deck_id = d.id) ORDER BY d.name_key`,
    ),
  ]);
  return {
    models: dims?.models ?? [],
    promptVersions: dims?.prompt_versions ?? [],
    strategies: dims?.strategies ?? [],
    decks,
    runs: (dims?.runs ?? []).map((r) => ({ dagId: r.dag_id, runId: r.run_id, lastAt: new Date(r.last_at) })),
    tasks: (dims?.tasks ?? []).map((t) => ({ dagId: t.dag_id, taskId: t.task_id })),
  };
}
