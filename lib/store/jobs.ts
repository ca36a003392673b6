// Rows of the job table: which scheduler processes live, and when each last said so.
import type { SqlClient } from './database';

export async function registerJob(sql: SqlClient, jobType: string, hostname: string, pid: number, now: Date): Promise<number> {
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO job (job_type, state, hostname, pid, start_date, latest_heartbeat)
     VALUES ($1, 'running', $2, $3, $4, $4) RETURNING id`,
    [jobType, hostname, pid, now],
  );
  return row!.id;
}

export async function endJob(sql: SqlClient, jobId: number, now: Date): Promise<void> {
  await sql.query(`UPDATE job SET state = 'success', end_date = $2, latest_heartbeat = $2 WHERE id = $1`, [jobId, now]);
}

export async function latestHeartbeat(sql: SqlClient, jobType: string): Promise<Date | null> {
  const [row] = await sql.query<{ at: Date | null }>(
    `SELECT max(latest_heartbeat) AS at FROM job WHERE job_type = $1 AND state = 'running'`,
    [jobType],
  );
  return row?.at ?? null;
}
