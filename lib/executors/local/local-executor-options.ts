// Options of the LocalExecutor and their defaults, resolved once when it is constructed.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceHandler } from '../../engine/executor-port';

export interface LocalExecutorOptions {
  /** Runner processes; default `os.availableParallelism()`. */
  processes?: number;
  /** Tries one runner process runs at once (I/O-bound tasks share a process); default 8. */
  concurrency?: number;
  /** Interval of a running try's heartbeat events; default 5 s. */
  heartbeatMs?: number;
  /**
   * How long a try may outlive its timeout or a kill() before its runner process is killed; default 5 s.
   * Half of it is what a bash process group gets between SIGTERM and SIGKILL.
   */
  killGraceMs?: number;
  /** Largest XCom (JSON bytes) a task may return; default 1 MiB. */
  maxXcomBytes?: number;
  /** Answers `ctx.services` / `ctx.xcomPull` of task code. */
  serviceHandler?: ServiceHandler;
  /** Environment of the runner processes (and so of task code); default this process's env. */
  env?: Record<string, string | undefined>;
  /** Where the executor's own notes go (runner crashes, stray output of runners); default stderr. */
  logger?: (msg: string) => void;
  /**
   * A runner running tries that says nothing (no heartbeat) for this long is killed — its event loop is
   * blocked; default 5 min, Airflow's zombie threshold. Such a try also meets the scheduler's zombie check.
   */
  unresponsiveMs?: number;
  /** Folders of plugin files whose operators tasks may use; default none. */
  pluginFolders?: string[];
  /** Extra Node flags for runner processes, e.g. `--max-old-space-size=512`. */
  nodeArgs?: string[];
  /** Path of runner.ts; needed when this module is bundled away from its folder. */
  runnerPath?: string;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_KILL_GRACE_MS = 5_000;
const DEFAULT_MAX_XCOM_BYTES = 1024 * 1024;
const DEFAULT_UNRESPONSIVE_MS = 5 * 60_000;

export type ResolvedOptions = Required<Omit<LocalExecutorOptions, 'serviceHandler'>> & { serviceHandler?: ServiceHandler };

export function resolveOptions(options: LocalExecutorOptions): ResolvedOptions {
  return {
    processes: positiveInt(options.processes ?? availableParallelism(), 'processes'),
    concurrency: positiveInt(options.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency'),
    heartbeatMs: positiveInt(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, 'heartbeatMs'),
    killGraceMs: positiveInt(options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, 'killGraceMs'),
    maxXcomBytes: positiveInt(options.maxXcomBytes ?? DEFAULT_MAX_XCOM_BYTES, 'maxXcomBytes'),
    unresponsiveMs: positiveInt(options.unresponsiveMs ?? DEFAULT_UNRESPONSIVE_MS, 'unresponsiveMs'),
    ...(options.serviceHandler ? { serviceHandler: options.serviceHandler } : {}),
    env: options.env ?? process.env,
    logger: options.logger ?? ((msg) => process.stderr.write(`[local-executor] ${msg}\n`)),
    nodeArgs: options.nodeArgs ?? [],
    pluginFolders: options.pluginFolders ?? [],
    runnerPath: options.runnerPath ?? join(dirname(fileURLToPath(import.meta.url)), 'runner.ts'),
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`LocalExecutor: ${name} must be a positive integer, got ${value}`);
  return value;
}
