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

export async function insertLlmAttempt(sql: SqlClient, origin: AttemptOrigin, a: LlmAttempt): Promise<number> {
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO llm_attempt (dag_id, run_id, task_id, map_index, try_number, deck_id, word, attempt, model, provider,
       prompt_version, strategy, request_messages, raw_response, parsed, valid, reason_codes, example_length,
       translation_length, max_chars, latency_ms, prompt_tokens, completion_tokens, error, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16, $17::jsonb, $18, $19, $20,
       $21, $22, $23, $24, $25)
     RETURNING id`,
    [origin.dagId, origin.runId, origin.taskId, origin.mapIndex, origin.tryNumber, origin.deckId, a.word, a.attempt,
      a.model, a.provider, a.promptVersion, a.strategy, JSON.stringify(a.requestMessages), a.rawResponse,
      a.parsed === null || a.parsed === undefined ? null : JSON.stringify(a.parsed), a.valid, JSON.stringify(a.reasonCodes),
      a.exampleLength, a.translationLength, a.maxChars, Math.round(a.latencyMs), a.promptTokens, a.completionTokens, a.error,
      new Date(a.createdAt)],
  );
  return row!.id;
}
