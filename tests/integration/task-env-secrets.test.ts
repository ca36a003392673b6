// The server's secrets never reach task code: a real LocalExecutor, started with an environment full of them, runs
// `env` in bash and prints Node's process.env, and an LLM task talks to a provider that echoes the API key back in
// its 401 answer. Neither the task logs, the failure messages nor the llm_attempt rows may show a secret.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { taskServiceHandler } from '../../lib/runtime/task-services';
import { connectionSource } from '../../lib/store/connections';
import type { Database } from '../../lib/store/database';
import { SecretBox } from '../../lib/secrets/secret-box';
import { randomBytes } from 'node:crypto';
import { startFakeOpenAiServer, reply, type FakeOpenAiServer } from '../support/fake-openai-server';
import { createTestDb } from '../support/test-db';
import { EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/task-env-secrets.ts', import.meta.url));
const job = (taskId: string): TaskJob => taskJob(taskId, { dagId: 'task_env_secrets', fileloc: FIXTURE, runId: 'manual__env' });

const API_KEY = 'sk-test-9c1f2e3d4b5a69788796a5b4';
const SECRETS = {
  OPENAI_API_KEY: API_KEY,
  FLASHFLOW_SECRET_KEY: 'c2VjcmV0LWtleS1vZi10aGUtc2VydmVyLTEyMzQ1Njc4',
  FLASHFLOW_CONN_LEAKY_API: '{"conn_type":"http","host":"api.example","password":"conn-pass-7d6e5f4a"}',
  FLASHFLOW_CONN_PG: 'postgres://bob:uri-pass-1a2b3c@db.example/app',
  FLASHFLOW_SMTP_USER: 'smtp-user-4f3e2d',
  FLASHFLOW_SMTP_PASSWORD: 'smtp-pass-8b7a6c',
  SMTP_PASSWORD: 'smtp-alias-pass-5e4d3c',
  FLASHFLOW_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T0/B0/slack-hook-2c3d4e',
  FLASHFLOW_ALERT_WEBHOOK_URL: 'https://alerts.example/hook-9f8e7d',
  FLASHFLOW_VAR_API_TOKEN: 'var-token-6a5b4c3d',
  DATABASE_URL: 'postgres://flashflow:db-pass-3c2b1a@db.example/flashflow',
  REDIS_URL: 'redis://:redis-pass-0f9e8d@redis.example:6379',
};
/** What a runner still needs, and a user's own variable the tasks may use. */
const KEPT = { FLASHFLOW_VAR_GREETING: 'bonjour-from-var', MY_TOOL_HOME: '/opt/my-tool' };

let db: Database;
let fake: FakeOpenAiServer;
let executor: LocalExecutor;
let recorder: EventRecorder;

beforeAll(async () => {
  db = await createTestDb();
  fake = await startFakeOpenAiServer();
  // Like OpenAI's own answer to a wrong key, which quotes it.
  fake.otherwise((request) => reply.error(401, `Incorrect API key provided: ${String(request.headers.authorization).replace(/^Bearer /, '')}.`, { code: 'invalid_api_key' }));
  executor = new LocalExecutor({
    processes: 1,
    concurrency: 2,
    heartbeatMs: 1_000,
    env: { ...process.env, ...SECRETS, ...KEPT },
    serviceHandler: taskServiceHandler({
      sql: db.sql, now: () => new Date(), connections: connectionSource({ db: db.prisma, secrets: new SecretBox([randomBytes(32)]), env: {} }),
      llmEnv: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: API_KEY, FLASHFLOW_LLM_MODEL: 'gpt-test' }, wake: () => {}, beforeChange: async () => {},
    }),
  });
  recorder = new EventRecorder(executor);
  await executor.start();
});

afterAll(async () => {
  await executor?.stop();
  await fake?.close();
  await db?.close();
});

function expectNoSecret(text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    for (const part of value.match(/[a-z]+-[a-z]+-[0-9a-f]{6,}|sk-test-[0-9a-f]+|c2VjcmV0[A-Za-z0-9]+/g) ?? [value]) {
      expect(text, `${name} leaked`).not.toContain(part);
    }
  }
}

const logOf = (events: Array<{ type: string; line?: string }>) => events.flatMap((e) => (e.type === 'log' ? [e.line!] : [])).join('\n');

describe('secrets stay out of task environments', () => {
  it('bash `env` shows the runner variables and the user’s own ones, but no secret and no FLASHFLOW_CONN_*', async () => {
    const { finished, events } = await recorder.run(job('print_env'));
    expect(finished.outcome.status).toBe('success');
    const log = logOf(events);
    expect(log).toContain('FLASHFLOW_VAR_GREETING=bonjour-from-var');
    expect(log).toContain('MY_TOOL_HOME=/opt/my-tool');
    expect(log).toContain('FLASHFLOW_CTX_TASK_ID=print_env');
    expect(log).toMatch(/^PATH=/m);
    for (const name of Object.keys(SECRETS)) expect(log).not.toMatch(new RegExp(`^${name}=`, 'm'));
    expectNoSecret(log);
  });

  it('task code’s own process.env holds no secret either', async () => {
    const { finished, events } = await recorder.run(job('print_node_env'));
    expect(finished.outcome.status).toBe('success');
    const printed = JSON.parse(logOf(events)) as Record<string, string>;
    expect(Object.keys(printed).filter((name) => name in SECRETS)).toEqual([]);
    expect(printed.FLASHFLOW_VAR_GREETING).toBe('bonjour-from-var');
  });
});

describe('the LLM API key is masked', () => {
  it('in the failure, the log and llm_attempt, when the provider echoes it in a 401 — also from the runner’s cached config', async () => {
    for (const taskId of ['ask_llm', 'ask_llm_cached']) {
      const { finished, events } = await recorder.run(job(taskId));
      expect(finished.outcome.status).toBe('failed');
      const error = (finished.outcome as { error: { message: string; stack?: string } }).error;
      expect(error.message).toContain('rejected the API key (HTTP 401: Incorrect API key provided: ***.');
      expectNoSecret(`${error.message}\n${error.stack ?? ''}\n${logOf(events)}`);
    }
    // The provider did see the key: the masking is of what is written, not of what is sent.
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
    const rows = await db.sql.query<Record<string, unknown>>(`SELECT * FROM llm_attempt WHERE run_id = 'manual__env' ORDER BY id`);
    expect(rows.map((r) => [r.task_id, r.error])).toEqual([
      ['ask_llm', expect.stringContaining('Incorrect API key provided: ***.')],
      ['ask_llm_cached', expect.stringContaining('Incorrect API key provided: ***.')],
    ]);
    expectNoSecret(JSON.stringify(rows));
  });
});
