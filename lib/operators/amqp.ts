// The RabbitMQ operators as DAG files use them: publish a message (confirmed by the broker before the task succeeds)
// and wait for messages in a queue (Airflow's RabbitMQSensor, which also takes them when asked). Each names an `amqp`
// connection (default `amqp_default`); arguments are checked when the DAG file is imported.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { DEFAULT_AMQP_CONN_ID } from '../hooks/amqp-connection';
import type { AmqpMessage } from '../hooks/amqp-hook';
import { checkedSpec } from './checked-spec';
import { pokeArgs } from './sensors';

const connId = connIdSchema.default(DEFAULT_AMQP_CONN_ID);
// AMQP's short strings: exchange, queue and routing key names are at most 255 bytes.
const shortString = z.string().refine((s) => Buffer.byteLength(s) <= 255, 'must be at most 255 bytes');

export const amqpPublishSchema = z
  .object({
    connId,
    /** '' (the default): the default exchange, which routes to the queue named by the routing key. */
    exchange: shortString.default(''),
    routingKey: shortString,
    /** A string is sent as is (text/plain); anything else as JSON (application/json). */
    message: z.json(),
    /** Overrides the content type chosen from the message. */
    contentType: z.string().min(1).optional(),
    headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    /** Delivery mode 2, so a durable queue keeps the message across a broker restart. */
    persistent: z.boolean().default(true),
    /** Fail the task when no queue is bound for the routing key, rather than let the broker drop the message. */
    mandatory: z.boolean().default(true),
  })
  .strict()
  .refine((a) => a.exchange !== '' || a.routingKey !== '', {
    message: 'with the default exchange, routingKey must name the queue',
    path: ['routingKey'],
  });

export const amqpQueueSensorSchema = z
  .object({
    connId,
    queue: shortString.refine((q) => q !== '', 'must not be empty'),
    /** Done once the queue holds at least this many ready messages. */
    minMessages: z.number().int().positive().default(1),
    /** Take `minMessages` messages off the queue and make them the XCom, instead of only counting them. */
    consume: z.boolean().default(false),
    ...pokeArgs,
  })
  .strict();

export interface AmqpPublishResult {
  exchange: string;
  routingKey: string;
  bytes: number;
}

type QueueSensorArgs = z.input<typeof amqpQueueSensorSchema>;

/** Publishes one message; the task succeeds once the broker confirms it. The XCom is `{ exchange, routingKey, bytes }`. */
export const amqpPublish = (args: z.input<typeof amqpPublishSchema>): OperatorSpec<AmqpPublishResult> =>
  checkedSpec('amqpPublish', amqpPublishSchema, args);

/**
 * Waits until the queue holds `minMessages` ready messages (default 1); use `mode: 'reschedule'` for long waits
 * (ADR 0022). The XCom is the count, or with `consume: true` the messages taken (acknowledged once all are in hand).
 */
export function amqpQueueSensor(args: QueueSensorArgs & { consume: true }): OperatorSpec<AmqpMessage[]>;
export function amqpQueueSensor(args: QueueSensorArgs & { consume?: false }): OperatorSpec<number>;
export function amqpQueueSensor(args: QueueSensorArgs): OperatorSpec<number | AmqpMessage[]>;
export function amqpQueueSensor(args: QueueSensorArgs): OperatorSpec<number | AmqpMessage[]> {
  return checkedSpec('amqpQueueSensor', amqpQueueSensorSchema, args);
}
