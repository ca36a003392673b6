// Every LLM call of the flashcard workflow, written as it returns (DESIGN.md §4): the dashboard's raw data.
import { TASK_INITIAL_STATE } from '../engine/task-states';
import { attemptOutcome } from '../llm/attempt-integrity';
import type { LlmAttempt } from '../llm/attempt-recorder';
import type { SqlClient } from './database';
import { sqlState } from './sql-states';

export interface AttemptOrigin {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  deckId: number | null;
}

/** Part of a statement whose placeholders are numbered from the `first` it was built with. */
export interface SqlPart {
  text: string;
  params: unknown[];
}

export async function insertLlmAttempt(sql: SqlClient, origin: AttemptOrigin, a: LlmAttempt): Promise<number> {
  const insert = llmAttemptInsert(origin, a, 1);
  const [row] = await sql.query<{ id: number }>(insert.text, insert.params);
  return row!.id;
}

/**
 * The INSERT … RETURNING id of one attempt, to run alone or as the last part of a larger statement (a valid
 * attempt commits with its card in one statement, cheaper than a transaction on the embedded database).
 * With `onlyIfRowIn`, the row is inserted only when that CTE returned a row.
 */
export function llmAttemptInsert(origin: AttemptOrigin, a: LlmAttempt, first: number, onlyIfRowIn?: string): SqlPart {
  // Runners' attempts were re-checked when the service call parsed them (llmAttemptSchema); the table's CHECKs hold
  // the outcome and a valid card's lengths against any other writer.
  // Typed placeholders: in INSERT … SELECT the target columns do not type them, unlike in VALUES.
  const types = ['text', 'text', 'text', 'int', 'int', 'int', 'text', 'int', 'text', 'text', 'text', 'text', 'jsonb',
    'text', 'jsonb', 'boolean', 'text', 'jsonb', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'text', 'timestamptz'];
  const values = types.map((type, i) => `$${first + i}::${type}`).join(', ');
  return {
    text: `INSERT INTO llm_attempt (dag_id, run_id, task_id, map_index, try_number, deck_id, word, attempt, model, provider,
       prompt_version, strategy, request_messages, raw_response, parsed, valid, outcome, reason_codes, example_length,
       translation_length, max_chars, latency_ms, request_count, retry_wait_ms, prompt_tokens, completion_tokens, error, created_at)
     SELECT ${values}${onlyIfRowIn ? ` WHERE EXISTS (SELECT 1 FROM ${onlyIfRowIn})` : ''}
     RETURNING id`,
    params: [origin.dagId, origin.runId, origin.taskId, origin.mapIndex, origin.tryNumber, origin.deckId, a.word, a.attempt,
      a.model, a.provider, a.promptVersion, a.strategy, JSON.stringify(a.requestMessages), a.rawResponse,
      a.parsed === null || a.parsed === undefined ? null : JSON.stringify(a.parsed), a.valid, attemptOutcome(a),
      JSON.stringify(a.reasonCodes), a.exampleLength, a.translationLength, a.maxChars, Math.round(a.latencyMs), a.requests,
      a.retryWaitMs === undefined ? null : Math.round(a.retryWaitMs), a.promptTokens, a.completionTokens, a.error,
      new Date(a.createdAt)],
  };
}

/** The answered attempts about one subject in the earlier tries of a task instance: what its re-ask budget has spent. */
export interface SpentBudget {
  /** Attempts that got an answer (valid or not); a provider error is not one: it says nothing about compliance. */
  answered: number;
  /** The reason codes of the latest of them, for the message of a budget spent before the try asked anything. */
  lastReasons: string[];
}

/**
 * One re-ask budget per word across tries (issue 15): a retried try counts what the tries before it already asked.
 * The budget starts over where the instance was last cleared by hand ("Retry this word", the grid's clear): a person
 * asked for the word again, and task retries never follow a spent budget, which fails the word for good.
 */
export async function spentBudget(
  sql: SqlClient,
  ti: { tiId: string; dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number },
  word: string,
): Promise<SpentBudget> {
  if (ti.tryNumber <= 1) return { answered: 0, lastReasons: [] };
  const [row] = await sql.query<{ answered: number; last_reasons: string[] | null }>(
    `WITH since AS (
       SELECT coalesce(max(h.try_number), 0) AS try_number FROM task_instance_history h
       WHERE h.ti_id = $1::uuid AND h.cause = 'manual' AND h.state = ${sqlState(TASK_INITIAL_STATE)} AND h.try_number < $6
     ), spent AS (
       SELECT a.id, a.reason_codes FROM llm_attempt a, since
       WHERE a.dag_id = $2 AND a.run_id = $3 AND a.task_id = $4 AND a.map_index = $5 AND a.word = $7
         AND a.try_number > since.try_number AND a.try_number < $6 AND a.outcome <> 'provider_error'
     )
     SELECT (SELECT count(*)::int FROM spent) AS answered, (SELECT reason_codes FROM spent ORDER BY id DESC LIMIT 1) AS last_reasons`,
    [ti.tiId, ti.dagId, ti.runId, ti.taskId, ti.mapIndex, ti.tryNumber, word],
  );
  return { answered: row?.answered ?? 0, lastReasons: row?.last_reasons ?? [] };
}
