// Every DAG file and task runner imports the SDK, so only an AMQP call may load amqplib, never the SDK's import.
import { expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('amqplib', () => {
  loaded.push('amqplib');
  return {};
});

it('importing the SDK and declaring RabbitMQ tasks loads no amqplib', async () => {
  const sdk = await import('../../lib/sdk/index');
  sdk.amqpPublish({ routingKey: 'q', message: { a: 1 } });
  sdk.amqpQueueSensor({ queue: 'q', consume: true });
  expect(typeof sdk.AmqpHook).toBe('function');
  expect(loaded).toEqual([]);
  // The mock does see a load, so the empty list above means something.
  await import('amqplib');
  expect(loaded).toEqual(['amqplib']);
});
