// One worker process of the raw BullMQ baseline (raw-bullmq.ts): the catalog_request chain with no Flashflow. Each
// job is one model call; it enqueues the next step with what the call answered, and the last step reports the
// request ended on a Redis list. The model calls retry as the DAG's do (in the job first, honouring Retry-After, then
// the job itself).
// Run as `node --import tsx bench/raw-bullmq-worker.ts` with REDIS_URL, MODEL_URL and CONCURRENCY set.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { nextRetryDelay, type RetryPolicy } from '../lib/kernel/retry-policy';
import { providerRetryAfterMs } from '../lib/llm/transport-errors';
import { RAW_CHAIN, RAW_DONE_LIST, RAW_JOB_OPTIONS, RAW_PREFIX, RAW_QUEUE, type RawStep } from './raw-bullmq-chain';

const redisUrl = process.env.REDIS_URL!;
const modelUrl = process.env.MODEL_URL!;
const concurrency = Number(process.env.CONCURRENCY ?? 16);

// The DAG's in-call policy (catalog_request.ts): three attempts, 200 ms doubling, at most 2 s, half jitter.
const CALL_RETRY: RetryPolicy = { maximumAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 2_000, jitter: 0.5 };

class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

async function callModel(endpoint: string, body: unknown): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${modelUrl}/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status >= 500 || res.status === 429) throw new TransientError(`${endpoint}: ${res.status}`, providerRetryAfterMs(res.headers, new Date()));
      if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text.slice(0, 200)}`);
      return JSON.parse(text);
    } catch (err) {
      const transient = err instanceof TransientError || (err as Error).name === 'TimeoutError' || (err as Error).name === 'TypeError';
      const delay = transient ? nextRetryDelay(CALL_RETRY, attempt + 1) : null;
      if (delay === null) throw err;
      // As the DAG's HttpHook does: a busy server's Retry-After is waited out when longer than the policy's delay.
      const wait = Math.max(delay, (err instanceof TransientError && err.retryAfterMs) || 0);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const connection = { url: redisUrl, maxRetriesPerRequest: null };
const queue = new Queue<RawStep>(RAW_QUEUE, { connection, prefix: RAW_PREFIX });
const done = new Redis(redisUrl, { maxRetriesPerRequest: null });

async function run(job: Job<RawStep>): Promise<void> {
  const step = job.data;
  const link = RAW_CHAIN[step.step]!;
  const answer = await callModel(link.endpoint, link.body(step.carry));
  const carry = link.carry(step.carry, answer);
  if (step.step + 1 < RAW_CHAIN.length) {
    await queue.add('step', { id: step.id, step: step.step + 1, carry }, { ...RAW_JOB_OPTIONS, jobId: `${step.id}-${step.step + 1}` });
  } else {
    await done.lpush(RAW_DONE_LIST, `${step.id} ${Date.now()} ok`);
  }
}

const worker = new Worker<RawStep>(RAW_QUEUE, run, { connection, prefix: RAW_PREFIX, concurrency });
worker.on('failed', (job) => {
  // Out of attempts: the request ended, badly, and the bench says so.
  if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void done.lpush(RAW_DONE_LIST, `${job.data.id} ${Date.now()} failed`);
});
await worker.waitUntilReady();
process.stdout.write(`raw BullMQ worker ready (concurrency ${concurrency})\n`);

const stop = async () => {
  await worker.close();
  await Promise.all([queue.close(), done.quit()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
