// The executor a scheduler runs tries with (FLASHFLOW_EXECUTOR): its own runner processes, or remote workers
// through Redis, whose service calls reach a webserver with per-try tokens signed by the installation's key.
import type { Executor, ServiceHandler } from '../engine/executor-port';
import { LocalExecutor } from '../executors/local/local-executor';
import { TryTokens } from '../ops/auth/try-token';
import type { SecretBox } from '../secrets/secret-box';
import type { FlashflowConfig } from './config';
import type { Logger } from './logger';

/** A try's token outlives any try: the webserver also checks that the try still runs. */
const TRY_TOKEN_TTL_MS = 7 * 24 * 3600_000;

export class ExecutorConfigError extends Error {
  override name = 'ExecutorConfigError';
}

export async function createExecutor(config: FlashflowConfig, deps: { services: ServiceHandler; secrets: SecretBox; log: Logger }): Promise<Executor> {
  if (config.executor.kind === 'local') {
    return new LocalExecutor({
      processes: config.executor.processes,
      concurrency: config.executor.concurrency,
      env: config.taskEnv,
      pluginFolders: config.pluginFolders,
      serviceHandler: deps.services,
      logger: (msg) => deps.log('warn', msg),
    });
  }
  if (!config.redisUrl) throw new ExecutorConfigError('FLASHFLOW_EXECUTOR=bullmq needs REDIS_URL=redis://… (the queue its workers take tries from)');
  if (!config.databaseUrl) {
    throw new ExecutorConfigError('FLASHFLOW_EXECUTOR=bullmq needs DATABASE_URL=postgres://…: remote workers call a webserver, which shares the database');
  }
  const tokens = new TryTokens(deps.secrets.keyMaterial);
  // Loaded only here: BullMQ and ioredis cost a standalone's memory for nothing.
  const { BullMqExecutor } = await import('../executors/bullmq/bullmq-executor');
  return new BullMqExecutor({
    redisUrl: config.redisUrl,
    parallelism: config.executor.parallelism,
    dagsFolder: config.dagsFolder,
    issueToken: (claims) => tokens.issue(claims, new Date(), TRY_TOKEN_TTL_MS),
    // A silent remote try is what a zombie is to the local executor.
    lostAfterMs: config.zombieThresholdMs,
    log: (message) => deps.log('warn', message),
  });
}
