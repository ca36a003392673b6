// Execution of the RabbitMQ operators (amqp.ts) inside a task runner. Each run opens its own connection through
// the AmqpHook and closes it at the end, whatever the outcome.
import { AmqpHook } from '../hooks/amqp-hook';
import { amqpPublishSchema, amqpQueueSensorSchema, type AmqpPublishResult } from './amqp';
import type { OperatorRun } from './operator-context';
import { poke } from './poke';

export const runAmqpPublish: OperatorRun = async (rawArgs, ctx): Promise<AmqpPublishResult> => {
  const a = amqpPublishSchema.parse(rawArgs);
  const { body, contentType } = encodeMessage(a.message);
  const hook = await AmqpHook.fromConnection(ctx, a.connId);
  try {
    await hook.publish(a.exchange, a.routingKey, body, {
      contentType: a.contentType ?? contentType,
      headers: a.headers,
      persistent: a.persistent,
      mandatory: a.mandatory,
    });
  } finally {
    await hook.close();
  }
  return { exchange: a.exchange, routingKey: a.routingKey, bytes: Buffer.byteLength(body) };
};

export const runAmqpQueueSensor: OperatorRun = async (rawArgs, ctx) => {
  const a = amqpQueueSensorSchema.parse(rawArgs);
  const hook = await AmqpHook.fromConnection(ctx, a.connId);
  const what = `${a.minMessages} message(s) in queue '${a.queue}'`;
  try {
    return await poke(ctx, { mode: a.mode, intervalMs: a.pokeInterval, timeoutMs: a.timeout, what }, async () => {
      if (a.consume) {
        const messages = await hook.takeMessages(a.queue, a.minMessages);
        return messages ? { done: true, value: messages } : { done: false };
      }
      const count = await hook.messageCount(a.queue);
      return count >= a.minMessages ? { done: true, value: count } : { done: false };
    });
  } finally {
    await hook.close();
  }
};

/** A string goes as is; any other JSON value as its JSON text, so a consumer knows how to read it. */
function encodeMessage(message: unknown): { body: string; contentType: string } {
  return typeof message === 'string'
    ? { body: message, contentType: 'text/plain' }
    : { body: JSON.stringify(message), contentType: 'application/json' };
}
