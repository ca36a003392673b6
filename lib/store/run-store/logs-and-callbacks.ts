// Append-only records the scheduler writes beside state: task log lines, callback requests, liveness.
import type { CallbackRequest, LogLine } from '../../engine/run-store-port';
import type { SqlClient } from '../database';

export async function appendLogs(sql: SqlClient, lines: LogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await sql.query(
    // ORDER BY the batch position: ids (the read order) must follow the order the task wrote its lines.
    `INSERT INTO task_log (ti_id, try_number, stream, line, at)
     SELECT l.ti_id, l.try_number, l.stream, l.line, l.at
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::timestamptz[])
       WITH ORDINALITY AS l(ti_id, try_number, stream, line, at, ord)
     WHERE EXISTS (SELECT 1 FROM task_instance ti WHERE ti.id = l.ti_id)
     ORDER BY l.ord`,
    [lines.map((l) => l.tiId), lines.map((l) => l.tryNumber), lines.map((l) => l.stream), lines.map((l) => l.line),
      lines.map((l) => l.at)],
  );
}

export async function createCallbackRequests(sql: SqlClient, requests: CallbackRequest[], now: Date): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = await sql.query<{ id: number; ord: number }>(
    `INSERT INTO callback_request (kind, dag_id, run_id, task_id, map_index, try_number, fileloc, state, created_at)
     SELECT c.kind, c.dag_id, c.run_id, c.task_id, c.map_index, c.try_number, c.fileloc, 'running', $8
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[])
       WITH ORDINALITY AS c(kind, dag_id, run_id, task_id, map_index, try_number, fileloc, ord)
     ORDER BY c.ord
     RETURNING id`,
    [requests.map((r) => r.kind), requests.map((r) => r.dagId), requests.map((r) => r.runId),
      requests.map((r) => r.taskId), requests.map((r) => r.mapIndex), requests.map((r) => r.tryNumber),
      requests.map((r) => r.fileloc), now],
  );
  return rows.map((r) => String(r.id));
}

export async function finishCallback(sql: SqlClient, id: string, ok: boolean, error: string | null, now: Date): Promise<void> {
  await sql.query(
    `UPDATE callback_request SET state = $2, error = $3, finished_at = $4 WHERE id = $1::int`,
    [id, ok ? 'success' : 'failed', error, now],
  );
}

export async function heartbeatJob(sql: SqlClient, jobId: number, at: Date): Promise<void> {
  await sql.query(`UPDATE job SET latest_heartbeat = $2 WHERE id = $1`, [jobId, at]);
}
