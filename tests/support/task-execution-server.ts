// The task-execution endpoint (POST /execution/services, what remote workers call) on a real HTTP server over a test
// database, with one running try and its token: tests send service calls as a worker on another machine would.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendAnswer } from '../../lib/api/http-gate';
import { handleTaskServiceCall } from '../../lib/api/task-execution-endpoint';
import type { TryIdentity } from '../../lib/engine/executor-port';
import { TryTokens } from '../../lib/ops/auth/try-token';
import { taskServiceHandler } from '../../lib/runtime/task-services';
import type { Database } from '../../lib/store/database';

export interface TaskExecutionServer {
  /** The running try the token speaks for. */
  claims: TryIdentity;
  /** POSTs `{ method, payload }` with the try's token; the answer's status and JSON body. */
  call(method: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Inserts the DAG, run and running task instance of `claims` (a generate_card try by default) and serves the endpoint. */
export async function startTaskExecutionServer(
  db: Database,
  options: { now?: Date; claims?: Partial<Omit<TryIdentity, 'tiId'>> } = {},
): Promise<TaskExecutionServer> {
  const now = options.now ?? new Date('2026-03-02T12:00:00Z');
  const claims: TryIdentity = {
    tiId: randomUUID(), tryNumber: 1, dagId: 'french_flashcards', runId: 'manual__remote', taskId: 'generate_card', mapIndex: 0,
    ...options.claims,
  };
  await db.sql.query(`INSERT INTO dag (dag_id, fileloc, serialized, version_hash) VALUES ($1, 'f.ts', '{}', 'v1') ON CONFLICT DO NOTHING`, [claims.dagId]);
  await db.sql.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end)
     VALUES ($1, $2, 'manual', 'running', now(), now(), now()) ON CONFLICT DO NOTHING`,
    [claims.dagId, claims.runId],
  );
  await db.sql.query(
    `INSERT INTO task_instance (id, dag_id, run_id, task_id, map_index, state, try_number) VALUES ($1, $2, $3, $4, $5, 'running', $6)`,
    [claims.tiId, claims.dagId, claims.runId, claims.taskId, claims.mapIndex, claims.tryNumber],
  );
  const tokens = new TryTokens([randomBytes(32)]);
  const token = tokens.issue(claims, now, 60_000);
  const services = taskServiceHandler({
    sql: db.sql,
    now: () => now,
    connections: { get: async () => null },
    llmEnv: {},
    wake: () => {},
    beforeChange: async () => {},
  });
  const deps = { tokens, sql: db.sql, now: () => now, services };
  const server = http.createServer((req, res) => void handleTaskServiceCall(req, deps).then((r) => sendAnswer(res, r)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/execution/services`;
  return {
    claims,
    call: async (method, payload) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method, payload }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
