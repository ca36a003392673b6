// Secrets a task was handed never reach its log or its failure message: a real LocalExecutor runs careless tasks
// that print a connection's password (as is, URL-encoded, inside the extra) and throw it in an error.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import type { LocalExecutor } from '../../lib/executors/local/local-executor';
import { SecretBox } from '../../lib/secrets/secret-box';
import { createConnection } from '../../lib/store/connections';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, type EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/secret-printing.ts', import.meta.url));
const job = (taskId: string): TaskJob => taskJob(taskId, { dagId: 'secret_printing', fileloc: FIXTURE });
const PASSWORD = 's3cr3t-Passw0rd/+';
const TOKEN = 'tok-9f8e7d6c5b4a';

let db: Database;
let executor: LocalExecutor;
let recorder: EventRecorder;

beforeAll(async () => {
  db = await createTestDb();
  const secrets = new SecretBox([randomBytes(32)]);
  await createConnection(db.prisma, secrets, {
    conn_id: 'leaky_api', conn_type: 'http', host: 'api.example', login: 'bob', password: PASSWORD,
    extra: { headers: { Authorization: TOKEN }, region: 'eu-west-1' },
  });
  ({ executor, recorder } = await startConnectionExecutor(db, secrets));
});

afterAll(async () => {
  await executor?.stop();
  await db?.close();
});

describe('secret masking in task logs', () => {
  it('replaces a fetched password and sensitive extra values with *** in every stream of the log', async () => {
    const { finished, events } = await recorder.run(job('print_secrets'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'done' });
    const log = events.flatMap((e) => (e.type === 'log' ? [e.line] : [])).join('\n');
    expect(log).toContain('password is ***');
    expect(log).toContain('https://user:***@api.example/');
    expect(log).toContain('"Authorization":"***"');
    expect(log).toContain('eu-west-1');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(encodeURIComponent(PASSWORD));
    expect(log).not.toContain(TOKEN);
    // Too short to mask without hiding ordinary words.
    expect(log).toContain('a short one stays visible: bob');
  });

  it('masks the secret in the failure message the UI and alerts show', async () => {
    const { finished } = await recorder.run(job('fail_with_secret'));
    expect(finished.outcome.status).toBe('failed');
    const error = (finished.outcome as { error: { message: string; stack?: string } }).error;
    expect(error.message).toBe('login refused for password ***');
    expect(error.stack ?? '').not.toContain(PASSWORD);
  });

  it('masks per try: a task that never fetched the connection is not affected by another one that did', async () => {
    const { events } = await recorder.run(job('never_asked'));
    expect(events.flatMap((e) => (e.type === 'log' ? [e.line] : []))).toContain(`${PASSWORD} is only masked once the task fetched the connection`);
  });
});
