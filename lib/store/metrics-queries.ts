// The SQL behind the gauges read at scrape time: state counts of runs and task instances in one statement, and
// pool usage in another (the slot arithmetic of lib/store/api-pools.ts: queued and running tries hold slots).
import { OCCUPYING_STATES, SCHEDULER_MOVES } from '../engine/task-states';
import type { SqlClient } from './database';
import { sqlStates } from './sql-states';

export interface StateCount {
  kind: 'dag_run' | 'task_instance';
  state: string;
  n: number;
}

export async function stateCounts(sql: SqlClient): Promise<StateCount[]> {
  return sql.query<StateCount>(
    `SELECT 'dag_run' AS kind, state, count(*)::int AS n FROM dag_run GROUP BY state
     UNION ALL
     SELECT 'task_instance' AS kind, state, count(*)::int AS n FROM task_instance GROUP BY state`,
  );
}

export interface PoolUsage {
  pool: string;
  slots: number;
  used: number;
  scheduled: number;
}

export async function poolUsage(sql: SqlClient): Promise<PoolUsage[]> {
  const waiting = SCHEDULER_MOVES.queue.from;
  return sql.query<PoolUsage>(
    `SELECT p.pool, p.slots,
       coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state IN ${sqlStates(OCCUPYING_STATES)}), 0)::int AS used,
       coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state IN ${sqlStates(waiting)}), 0)::int AS scheduled
     FROM pool p
     LEFT JOIN task_instance ti ON ti.pool = p.pool AND ti.state IN ${sqlStates([...OCCUPYING_STATES, ...waiting])}
     GROUP BY p.pool, p.slots`,
  );
}

export interface LlmAttemptRow {
  id: number;
  model: string;
  valid: boolean;
  /** First reason code of an invalid attempt; null when valid. */
  reason: string | null;
  latency_ms: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
}

export const LLM_ATTEMPTS_SINCE = `
  SELECT id, model, valid, reason_codes->>0 AS reason, latency_ms, prompt_tokens, completion_tokens
  FROM llm_attempt WHERE id > $1 ORDER BY id LIMIT $2`;

export interface TryHistoryRow {
  id: number;
  dag_id: string;
  task_id: string;
  state: string;
  duration: number | null;
}

/** Tries as they ended; the rows of a person's later clear or mark are no try of their own. */
export const TRIES_SINCE = `
  SELECT id, dag_id, task_id, state, duration FROM task_instance_history WHERE id > $1 AND cause = 'scheduler'
  ORDER BY id LIMIT $2`;
