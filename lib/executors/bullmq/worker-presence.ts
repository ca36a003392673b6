// Workers announce themselves in Redis (ADR 0028): one key per worker with its queues and slots, refreshed every
// few seconds and expiring soon after, so a worker that dies drops out on its own. The scheduler's BullMQ executor
// reads them to know which queues some live worker serves.
import { z } from 'zod';
import type { WorkerInfo } from '../../engine/executor-port';
import { PREFIX } from './wire';

const KEY_PREFIX = `${PREFIX}:worker:`;
/** How often a worker renews its key, and how long the key outlives the last renewal. */
export const PRESENCE_EVERY_MS = 5_000;
const PRESENCE_TTL_S = 15;

const PresenceSchema = z.object({
  name: z.string().min(1),
  hostname: z.string(),
  queues: z.array(z.string()),
  slots: z.number().int(),
  lastHeartbeat: z.coerce.date(),
});

/** What of ioredis this needs, so tests and both sides pass their own client. */
interface PresenceRedis {
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  mget(keys: string[]): Promise<Array<string | null>>;
}

export async function announceWorker(redis: PresenceRedis, info: Omit<WorkerInfo, 'lastHeartbeat'>, now: Date): Promise<void> {
  await redis.set(`${KEY_PREFIX}${info.name}`, JSON.stringify({ ...info, lastHeartbeat: now.toISOString() }), 'EX', PRESENCE_TTL_S);
}

export async function withdrawWorker(redis: PresenceRedis, name: string): Promise<void> {
  await redis.del(`${KEY_PREFIX}${name}`);
}

/** The workers whose key has not expired; a malformed one (another version, another program) is left out. */
export async function readWorkers(redis: PresenceRedis): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 500);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const workers: WorkerInfo[] = [];
  for (const raw of await redis.mget([...new Set(keys)])) {
    if (raw === null) continue;
    try {
      const parsed = PresenceSchema.safeParse(JSON.parse(raw));
      if (parsed.success) workers.push(parsed.data);
    } catch {
      // not JSON: not ours
    }
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name));
}
