// The RabbitMQ operators, AmqpHook and `connections test` for `amqp` against a real RabbitMQ node from Debian's
// rabbitmq-server, started once for the file on 127.0.0.1 (tests/support/rabbitmq-server.ts).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUri } from '../../lib/connections/connection-model';
import { NonRetriableError, RescheduleTaskError } from '../../lib/engine/task-context';
import { testConnection } from '../../lib/hooks/connection-test';
import { AmqpHook } from '../../lib/hooks/amqp-hook';
import { amqpPublish, amqpQueueSensor } from '../../lib/operators/amqp';
import { loadOperator } from '../../lib/operators/registry';
import { SecretBox } from '../../lib/secrets/secret-box';
import { awsTaskContext, type AwsTaskContext } from '../support/aws-task-context';
import { freePort } from '../support/server-process';
import { startRabbitMqServer, type RabbitMqServer } from '../support/rabbitmq-server';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, taskJob } from './executor-harness';

const WRONG_PASSWORD = 'not-the-password-91b2';
let broker: RabbitMqServer;
let connections: Record<string, string>;
let admin: amqplib.ChannelModel;
let setup: amqplib.Channel;

beforeAll(async () => {
  const started = Date.now();
  broker = await startRabbitMqServer();
  console.info(`RabbitMQ node ready in ${Date.now() - started} ms`);
  connections = {
    amqp_default: broker.uri(),
    amqp_wrong_password: broker.uri({ login: broker.user, password: WRONG_PASSWORD }),
    amqp_no_vhost: broker.uri().replace(/\/[^/]*$/, '/nowhere'),
    amqp_unreachable: `amqp://guest:guest@127.0.0.1:${await freePort()}`,
  };
  admin = await amqplib.connect(broker.uri());
  setup = await admin.createChannel();
}, 60_000);

afterAll(async () => {
  await admin?.close().catch(() => {});
  await broker?.stop();
});

/** A new, empty queue for one test. */
async function queue(): Promise<string> {
  const name = `q-${randomBytes(4).toString('hex')}`;
  await setup.assertQueue(name, { durable: true });
  return name;
}

function context(overrides: Parameters<typeof awsTaskContext>[1] = {}): AwsTaskContext {
  return awsTaskContext(connections, overrides);
}

/** Runs an operator's spec as the task runner would: by its registered name, with its checked arguments. */
async function run(spec: { operator: string; args: Record<string, unknown> }, ctx: AwsTaskContext = context()) {
  const impl = await loadOperator(spec.operator);
  return impl!(spec.args, ctx);
}

async function takeAll(name: string) {
  const hook = await AmqpHook.fromConnection(context());
  try {
    return await hook.takeMessages(name, await hook.messageCount(name));
  } finally {
    await hook.close();
  }
}

describe('amqpPublish', () => {
  it('publishes text with its headers and succeeds once the broker has confirmed it', async () => {
    const q = await queue();
    const result = await run(amqpPublish({ routingKey: q, message: 'bonjour', headers: { source: 'flashflow', attempt: 2 } }));
    expect(result).toEqual({ exchange: '', routingKey: q, bytes: 7 });
    expect(await takeAll(q)).toEqual([
      { body: 'bonjour', contentType: 'text/plain', headers: { source: 'flashflow', attempt: 2 }, exchange: '', routingKey: q, redelivered: false },
    ]);
  });

  it('sends any other value as JSON, through a named exchange', async () => {
    const q = await queue();
    await setup.assertExchange('words', 'direct', { durable: false });
    await setup.bindQueue(q, 'words', 'fr');
    await run(amqpPublish({ exchange: 'words', routingKey: 'fr', message: { word: 'pomme', tags: ['fruit'], n: 1 } }));
    const [message] = (await takeAll(q))!;
    expect(message).toMatchObject({ contentType: 'application/json', exchange: 'words', routingKey: 'fr' });
    expect(JSON.parse(message!.body)).toEqual({ word: 'pomme', tags: ['fruit'], n: 1 });
  });

  it('fails without retry for a missing exchange, and for a routing key no queue is bound to unless mandatory is off', async () => {
    await expect(run(amqpPublish({ exchange: 'no-such-exchange', routingKey: 'k', message: 'x' }))).rejects.toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringMatching(/^AMQP publish to exchange 'no-such-exchange' .*\(connection 'amqp_default'\) failed: .*NOT_FOUND - no exchange 'no-such-exchange'/),
    });
    const unroutable = await run(amqpPublish({ routingKey: 'no-such-queue', message: 'x' })).catch((e: unknown) => e);
    expect(unroutable).toBeInstanceOf(Error);
    expect((unroutable as Error).message).toContain('no queue is bound to the default exchange with routing key \'no-such-queue\'');
    expect(await run(amqpPublish({ routingKey: 'no-such-queue', message: 'x', mandatory: false }))).toMatchObject({ bytes: 1 });
  });

  it('a wrong password fails without retry, naming the connection and never the password', async () => {
    const error = (await run(amqpPublish({ connId: 'amqp_wrong_password', routingKey: 'q', message: 'x' })).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ name: 'NonRetriableError', message: expect.stringContaining("(connection 'amqp_wrong_password') failed: Handshake terminated by server: 403 (ACCESS-REFUSED)") });
    const seen = JSON.stringify({ message: error.message, stack: error.stack, cause: error.cause });
    expect(seen).not.toContain(WRONG_PASSWORD);
    expect(seen).not.toContain(encodeURIComponent(WRONG_PASSWORD));
  });

  it('a vhost the user may not open fails without retry and says so', async () => {
    await expect(run(amqpPublish({ connId: 'amqp_no_vhost', routingKey: 'q', message: 'x' }))).rejects.toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringContaining("the broker refused virtual host 'nowhere': it does not exist, or user 'flashflow' has no permission on it"),
    });
  });

  it('an unreachable broker is a retriable error', async () => {
    const error = (await run(amqpPublish({ connId: 'amqp_unreachable', routingKey: 'q', message: 'x' })).catch((e: unknown) => e)) as Error;
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/\(connection 'amqp_unreachable'\) failed: .*ECONNREFUSED/);
  });
});

describe('amqpQueueSensor', () => {
  it('in poke mode returns the count once a message arrives while it waits', async () => {
    const q = await queue();
    const ctx = context();
    const sensing = run(amqpQueueSensor({ queue: q, pokeInterval: '10s', timeout: '5m' }), ctx);
    await expect.poll(() => ctx.lines.some((l) => l.includes(`poke 1: still waiting for 1 message(s) in queue '${q}'`))).toBe(true);
    await setup.sendToQueue(q, Buffer.from('arrived'));
    // The broker takes the message before the next poke; the fake clock makes the 10 s pass at once.
    await expect.poll(async () => (await setup.checkQueue(q)).messageCount).toBe(1);
    ctx.clock.advance(10_000);
    expect(await sensing).toBe(1);
    expect((await setup.checkQueue(q)).messageCount).toBe(1);
  });

  it('in reschedule mode ends the poke asking to run again when the queue is empty', async () => {
    const q = await queue();
    const ctx = context();
    const waiting = await run(amqpQueueSensor({ queue: q, mode: 'reschedule', pokeInterval: '5m', timeout: '1h' }), ctx).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(RescheduleTaskError);
    expect((waiting as RescheduleTaskError).rescheduleAt).toEqual(new Date('2026-12-01T00:05:00Z'));
    expect(ctx.lines.at(-1)).toContain(`still waiting for 1 message(s) in queue '${q}'`);
  });

  it('with consume takes the messages and returns them; with too few it takes none', async () => {
    const q = await queue();
    setup.sendToQueue(q, Buffer.from('un'), { contentType: 'text/plain' });
    await expect.poll(async () => (await setup.checkQueue(q)).messageCount).toBe(1);
    const tooFew = await run(amqpQueueSensor({ queue: q, consume: true, minMessages: 2, mode: 'reschedule', pokeInterval: '5m' })).catch((e: unknown) => e);
    expect(tooFew).toBeInstanceOf(RescheduleTaskError);
    expect((await setup.checkQueue(q)).messageCount).toBe(1);

    setup.sendToQueue(q, Buffer.from('deux'));
    await expect.poll(async () => (await setup.checkQueue(q)).messageCount).toBe(2);
    const taken = await run(amqpQueueSensor({ queue: q, consume: true, minMessages: 2 }));
    expect((taken as Array<{ body: string }>).map((m) => m.body)).toEqual(['un', 'deux']);
    expect((await setup.checkQueue(q)).messageCount).toBe(0);
  });

  it('a queue that does not exist fails without retry', async () => {
    await expect(run(amqpQueueSensor({ queue: 'no-such-queue' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining("AMQP check of queue 'no-such-queue' (connection 'amqp_default') failed: "),
    });
  });
});

describe('AMQP bad input', () => {
  it('bad arguments are an error when the DAG file is imported', () => {
    expect(() => amqpPublish({ message: 'x' } as never)).toThrow(/^amqpPublish\(\): invalid arguments: .*routingKey/);
    expect(() => amqpPublish({ routingKey: '', message: 'x' })).toThrow(/with the default exchange, routingKey must name the queue/);
    expect(() => amqpPublish({ routingKey: 'q', message: (() => 1) as never })).toThrow(/^amqpPublish\(\): invalid arguments: .*message/);
    expect(() => amqpQueueSensor({ queue: 'q', minMessages: 0 })).toThrow(/^amqpQueueSensor\(\): invalid arguments: .*minMessages/);
    expect(() => amqpQueueSensor({ queue: 'q', pokeInterval: 'soon' })).toThrow(/^amqpQueueSensor\(\): invalid arguments: .*pokeInterval/);
  });

  it('a missing connection and a connection of another type fail the task clearly, without retry', async () => {
    await expect(run(amqpPublish({ connId: 'nowhere', routingKey: 'q', message: 'x' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: "connection 'nowhere' is not defined: create it (UI, API or CLI) or set FLASHFLOW_CONN_NOWHERE",
    });
    const ctx = awsTaskContext({ not_amqp: 'http://example.com' });
    await expect(run(amqpQueueSensor({ connId: 'not_amqp', queue: 'q' }), ctx)).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining("has conn_type 'http'; the AMQP hook needs an 'amqp' connection"),
    });
  });
});

describe('connections test for amqp', () => {
  it('opens a connection and a channel with good credentials', async () => {
    expect(await testConnection(parseConnectionUri('rabbit', connections.amqp_default!))).toEqual({
      status: true,
      message: `Connection successfully tested: connected to amqp://127.0.0.1:${broker.port}, vhost 'flashflow/tests', as user 'flashflow' and opened a channel.`,
    });
  });

  it('reports a wrong password without repeating it', async () => {
    const result = await testConnection(parseConnectionUri('rabbit', connections.amqp_wrong_password!));
    expect(result).toEqual({ status: false, message: expect.stringContaining('403 (ACCESS-REFUSED)') });
    expect(result.message).not.toContain(WRONG_PASSWORD);
  });
});

describe('AMQP tasks in a task runner', () => {
  it('a publish task and a consuming sensor pass a message through the broker, with amqp_default from the environment', async () => {
    await setup.assertQueue('runner-words', { durable: true });
    const db = await createTestDb();
    const { executor, recorder } = await startConnectionExecutor(db, new SecretBox([randomBytes(32)]), { FLASHFLOW_CONN_AMQP_DEFAULT: connections.amqp_default! });
    try {
      const fileloc = fileURLToPath(new URL('../fixtures/workflows/amqp-operators.ts', import.meta.url));
      const job = (taskId: string) => taskJob(taskId, { dagId: 'amqp_operators', fileloc });
      expect((await recorder.run(job('publish'))).finished.outcome).toEqual({
        status: 'success', xcom: { exchange: '', routingKey: 'runner-words', bytes: 31 },
      });
      expect((await recorder.run(job('take'))).finished.outcome).toEqual({
        status: 'success',
        xcom: [{ body: '{"word":"chat","meaning":"cat"}', contentType: 'application/json', headers: {}, exchange: '', routingKey: 'runner-words', redelivered: false }],
      });
    } finally {
      await executor.stop();
      await db.close();
    }
  });
});
