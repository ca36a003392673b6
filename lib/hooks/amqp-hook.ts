// A hook for RabbitMQ (any AMQP 0-9-1 broker) on amqplib, built from an `amqp` connection (amqp-connection.ts).
// amqplib is imported on the first call, not with this module: every DAG file imports the SDK that exports this class.
// One connection per hook, opened on first use and kept until close(); one channel per call, because the broker
// closes a channel on any error and a later call must not inherit it.
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import type { Connection } from '../connections/connection-model';
import { amqpEndpoint, amqpError, amqpLabel, amqpUrl, DEFAULT_AMQP_CONN_ID, type AmqpEndpoint } from './amqp-connection';
import { fetchConnection, type HookContext } from './hook-context';

/** Long enough for a slow TLS handshake; a broker that does not answer in this time is treated as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

export type AmqpHeaderValue = string | number | boolean | null;

export interface AmqpPublishOptions {
  contentType?: string;
  headers?: Record<string, AmqpHeaderValue>;
  /** Delivery mode 2: a durable queue keeps the message across a broker restart. Default true. */
  persistent?: boolean;
  /** Fail when no queue is bound for the routing key, instead of the broker dropping the message. Default true. */
  mandatory?: boolean;
}

/** A message taken from a queue, as an XCom can hold it: the body as UTF-8 text. */
export interface AmqpMessage {
  body: string;
  contentType: string | null;
  headers: Record<string, unknown>;
  exchange: string;
  routingKey: string;
  /** True when the broker delivered it before (to a consumer that did not acknowledge it). */
  redelivered: boolean;
}

export class AmqpHook {
  readonly endpoint: AmqpEndpoint;
  private model: Promise<ChannelModel> | null = null;
  /** Why the broker closed the connection, if it did; amqplib reports a call on it only as "connection closed". */
  private connectionError: Error | null = null;

  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    // Checked now so a wrong connection type fails before amqplib loads.
    this.endpoint = amqpEndpoint(conn);
  }

  static async fromConnection(ctx: HookContext, connId = DEFAULT_AMQP_CONN_ID): Promise<AmqpHook> {
    return new AmqpHook(await fetchConnection(ctx, connId), ctx);
  }

  /**
   * Publishes on a confirm channel and resolves once the broker has confirmed the message: taken by every queue it
   * was routed to (and written to disk for a persistent message on a durable queue).
   */
  async publish(exchange: string, routingKey: string, body: string | Uint8Array, opts: AmqpPublishOptions = {}): Promise<void> {
    const where = `${exchange === '' ? 'the default exchange' : `exchange '${exchange}'`} with routing key '${routingKey}'`;
    const content = Buffer.from(body);
    const mandatory = opts.mandatory ?? true;
    await this.withChannel(`AMQP publish to ${where}`, async (channel) => {
      // The broker sends an unroutable mandatory message back before it confirms it.
      let returned = false;
      channel.on('return', () => {
        returned = true;
      });
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchange,
          routingKey,
          content,
          { contentType: opts.contentType, headers: opts.headers, persistent: opts.persistent ?? true, mandatory },
          (error: unknown) => (error ? reject(error instanceof Error ? error : new Error('the broker rejected the message (nack)')) : resolve()),
        );
      });
      if (returned) {
        throw new Error(`no queue is bound to ${where}, so the broker returned the message (pass mandatory: false to let it drop such messages)`);
      }
      this.ctx.log.info('published %d bytes to %s', content.length, where);
    });
  }

  /** Messages ready in the queue (not those delivered to a consumer and not yet acknowledged). */
  async messageCount(queue: string): Promise<number> {
    return this.withChannel(`AMQP check of queue '${queue}'`, async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  /**
   * Takes exactly `count` messages from the queue, or none: when fewer are there, those taken go back to the queue
   * and the answer is null. The messages are acknowledged only once all of them are in hand, just before returning.
   */
  async takeMessages(queue: string, count: number): Promise<AmqpMessage[] | null> {
    return this.withChannel(`AMQP get from queue '${queue}'`, async (channel) => {
      const taken: GetMessage[] = [];
      while (taken.length < count) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        taken.push(message);
      }
      const last = taken.at(-1);
      if (!last) return null;
      if (taken.length < count) {
        channel.nack(last, true, true);
        return null;
      }
      const messages = taken.map(toAmqpMessage);
      channel.ack(last, true);
      this.ctx.log.info("took %d message(s) from queue '%s'", messages.length, queue);
      return messages;
    });
  }

  /** Opens the connection and a channel; the answer says where it connected, without the password. */
  async checkConnection(): Promise<string> {
    await this.withChannel('AMQP connection check', async () => {});
    return `connected to ${amqpLabel(this.endpoint)} and opened a channel`;
  }

  /** Closes the connection; the hook opens a new one if used again. Never throws. */
  async close(): Promise<void> {
    const pending = this.model;
    this.model = null;
    const model = await pending?.catch(() => null);
    await model?.close().catch(() => {});
  }

  private connect(): Promise<ChannelModel> {
    if (this.model) return this.model;
    const pending = (async () => {
      this.ctx.signal.throwIfAborted();
      const amqp = await import('amqplib');
      const model = await amqp.connect(amqpUrl(this.endpoint), { timeout: CONNECT_TIMEOUT_MS });
      this.connectionError = null;
      // Without a listener an 'error' event would end the process; its reason is kept for the next call's message.
      model.on('error', (error: Error) => {
        this.connectionError = error;
      });
      const abort = () => void model.close().catch(() => {});
      this.ctx.signal.addEventListener('abort', abort, { once: true });
      model.on('close', () => {
        this.ctx.signal.removeEventListener('abort', abort);
        if (this.model === pending) this.model = null;
      });
      return model;
    })();
    this.model = pending;
    // A failed attempt is not kept: a later poke of a sensor tries again.
    pending.catch(() => {
      if (this.model === pending) this.model = null;
    });
    return pending;
  }

  private async withChannel<T>(what: string, fn: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    let channel: ConfirmChannel | undefined;
    let channelError: Error | undefined;
    let channelOpen = false;
    try {
      channel = await (await this.connect()).createConfirmChannel();
      channelOpen = true;
      // The broker's reason for closing the channel (a missing exchange, say); the call itself only sees "channel closed".
      channel.on('error', (error: Error) => {
        channelError = error;
      });
      channel.on('close', () => {
        channelOpen = false;
      });
      return await fn(channel);
    } catch (error) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      throw amqpError(what, this.conn, this.endpoint, channelError ?? this.connectionError ?? error);
    } finally {
      // Closing waits for the broker's answer, so the acknowledgements sent before it have reached the broker.
      if (channel && channelOpen) await channel.close().catch(() => {});
    }
  }
}

function toAmqpMessage(message: GetMessage): AmqpMessage {
  return {
    body: message.content.toString('utf8'),
    contentType: message.properties.contentType ?? null,
    headers: jsonSafe(message.properties.headers ?? {}) as Record<string, unknown>,
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    redelivered: message.fields.redelivered,
  };
}

/** Header values as JSON can hold them: byte arrays as text, 64-bit integers as numbers or, if too big, text. */
function jsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
