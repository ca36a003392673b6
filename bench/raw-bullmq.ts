// The raw BullMQ baseline: catalog_request's four model calls as chained BullMQ jobs with no Flashflow (no
// database, no scheduler, no web server), run by `workers` processes of raw-bullmq-worker.ts with the slots of a
// Flashflow worker each, so the scale bench can state Flashflow's cost as a ratio.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { benchDocument, RAW_DONE_LIST, RAW_JOB_OPTIONS, RAW_PREFIX, RAW_QUEUE, type RawStep } from './raw-bullmq-chain';
import type { Completion, LoadTarget } from './scale-load';

const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'raw-bullmq-worker.ts');
const READY_TIMEOUT_MS = 30_000;

export interface RawBullmq {
  target: LoadTarget;
  /** Worker pids, for the CPU figures. */
  pids: number[];
  /** Problems with the requests `ids` (none ended, ended twice, failed), or an empty list. */
  check(ids: string[]): string[];
  stop(): Promise<void>;
}

export async function startRawBullmq(options: { redisUrl: string; modelUrl: string; workers: number; concurrency: number }): Promise<RawBullmq> {
  const children: ChildProcess[] = [];
  const stopChildren = async () => {
    await Promise.all(children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      return Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(c.kill('SIGKILL')), 10_000))]);
    }));
  };
  try {
    for (let i = 0; i < options.workers; i++) children.push(spawnWorker(options));
    await Promise.all(children.map(waitReady));
  } catch (err) {
    await stopChildren();
    throw err;
  }
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<RawStep>(RAW_QUEUE, { connection, prefix: RAW_PREFIX });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  // Every end ever reported, kept for the check (a request reported twice ran its last step twice).
  const ends = new Map<string, Completion[]>();
  const target: LoadTarget = {
    trigger: async (id) => {
      await queue.add('step', { id, step: 0, carry: { document: benchDocument(id) } }, { ...RAW_JOB_OPTIONS, jobId: `${id}-0` });
    },
    poll: async () => {
      const replies = await redis.multi().lrange(RAW_DONE_LIST, 0, -1).del(RAW_DONE_LIST).exec();
      const lines = (replies?.[0]?.[1] as string[] | undefined) ?? [];
      return lines.map((line) => {
        const [id = '', endMs = '0', outcome] = line.split(' ');
        const c = { id, endMs: Number(endMs), ok: outcome === 'ok' };
        ends.set(id, [...(ends.get(id) ?? []), c]);
        return c;
      });
    },
  };
  return {
    target,
    pids: children.map((c) => c.pid!),
    check: (ids) => {
      const problems: string[] = [];
      for (const id of ids) {
        const e = ends.get(id) ?? [];
        if (e.length !== 1) problems.push(`${id} ended ${e.length} times`);
        else if (!e[0]!.ok) problems.push(`${id} failed`);
      }
      return problems;
    },
    stop: async () => {
      await stopChildren();
      await queue.obliterate({ force: true }).catch(() => {});
      await Promise.all([queue.close(), redis.quit()]);
    },
  };
}

function spawnWorker(options: { redisUrl: string; modelUrl: string; concurrency: number }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: { ...process.env, REDIS_URL: options.redisUrl, MODEL_URL: options.modelUrl, CONCURRENCY: String(options.concurrency) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`raw BullMQ worker not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('raw BullMQ worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`raw BullMQ worker exited (${code}) before it was ready:\n${output}`));
    });
  });
}
