// Every LLM call of the flashcard workflow, written as it returns (DESIGN.md §4): the dashboard's raw data.
import type { LlmAttempt } from '../llm/attempt-recorder';
import type { SqlClient } from './database';

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
  // Typed placeholders: in INSERT … SELECT the target columns do not type them, unlike in VALUES.
  const types = ['text', 'text', 'text', 'int', 'int', 'int', 'text', 'int', 'text', 'text', 'text', 'text', 'jsonb',
    'text', 'jsonb', 'boolean', 'jsonb', 'int', 'int', 'int', 'int', 'int', 'int', 'text', 'timestamptz'];
  const values = types.map((type, i) => `$${first + i}::${type}`).join(', ');
  return {
    text: `INSERT INTO llm_attempt (dag_id, run_id, task_id, map_index, try_number, deck_id, word, attempt, model, provider,
       prompt_version, strategy, request_messages, raw_response, parsed, valid, reason_codes, example_length,
       translation_length, max_chars, latency_ms, prompt_tokens, completion_tokens, error, created_at)
     SELECT ${values}${onlyIfRowIn ? ` WHERE EXISTS (SELECT 1 FROM ${onlyIfRowIn})` : ''}
     RETURNING id`,
    params: [origin.dagId, origin.runId, origin.taskId, origin.mapIndex, origin.tryNumber, origin.deckId, a.word, a.attempt,
      a.model, a.provider, a.promptVersion, a.strategy, JSON.stringify(a.requestMessages), a.rawResponse,
      a.parsed === null || a.parsed === undefined ? null : JSON.stringify(a.parsed), a.valid, JSON.stringify(a.reasonCodes),
      a.exampleLength, a.translationLength, a.maxChars, Math.round(a.latencyMs), a.promptTokens, a.completionTokens, a.error,
      new Date(a.createdAt)],
  };
}
