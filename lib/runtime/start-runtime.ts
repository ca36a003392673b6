// Assembles the engine in one process, like `airflow standalone`: home lock, database, migrations, DAG
// processor, local executor and scheduler. The web server and the CLI both build on this.
import os from 'node:os';
import { systemClock, type Clock } from '../kernel/clock';
import { DagProcessor } from '../dag-processing/dag-processor';
import type { Executor } from '../engine/executor-port';
import { Scheduler, type TickStats } from '../engine/scheduler';
import type { Database } from '../store/database';
import { sqlRunStore } from '../store/run-store/sql-run-store';
import { enableEmbeddedMaintenance } from '../store/run-store/embedded-maintenance';
import { startRetention } from '../store/db-clean-schedule';
import { endJob, registerJob } from '../store/jobs';
import { heartbeatJob } from '../store/run-store/logs-and-callbacks';
import { DAG_PROCESSOR_JOB } from '../ops/health';
import type { FlashflowConfig } from './config';
import type { Logger } from './logger';
import type { AppRuntime } from './app-runtime';
import { openMigratedDatabase } from './open-migrated-database';
import { loadSecretBox } from '../secrets/secret-key';
import { connectionSource } from '../store/connections';
import { taskServiceHandler } from './task-services';
import { createExecutor } from './create-executor';
import { AlertService } from '../ops/alerts/alert-service';
import { emailNotifier } from '../ops/alerts/email-notifier';
import { slackNotifier } from '../ops/alerts/slack-notifier';
import { webhookNotifier } from '../ops/alerts/webhook-notifier';
import { FlashflowMetrics } from '../ops/metrics/flashflow-metrics';
import { variableSource } from '../store/variables';
import { recordWorkers } from '../store/workers';

/** What autovacuum would do for the embedded database's hot tables (see embedded-maintenance.ts). */
const VACUUM_INTERVAL_MS = 5 * 60_000;
/** How often the workers the executor sees are recorded for the UI (ADR 0028). */
const WORKERS_RECORD_MS = 5_000;

/** The whole engine in this process; it is also what the web app runs on in `flashflow standalone`. */
export interface Runtime extends AppRuntime {
  scheduler: Scheduler;
  executor: Executor;
  processor: DagProcessor;
  alerts: AlertService;
  jobId: number;
  startedAt: Date;
}

export interface StartOptions {
  clock?: Clock;
  /** A database this process already opened and migrated; the runtime takes it over (and closes it). */
  db?: Database;
  /** Create runs from schedules; one-shot CLI commands leave that to the server. Default true. */
  createScheduledRuns?: boolean;
  /** Watch the DAG folder for changes (the server does; one-shot CLI commands do not). */
  watch?: boolean;
  log: Logger;
  /** Told after each scheduler tick that changed something (besides the metrics). */
  onTick?: (stats: TickStats) => void;
}

/** Opens the database of `config` (taking the home lock for the embedded one) and applies migrations. */
export async function startRuntime(config: FlashflowConfig, options: StartOptions): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const db = options.db ?? (await openMigratedDatabase(config));
  const startedAt = clock.now();
  // Started parts that hold the process open (runner processes, Redis connections): stopped if a later step fails.
  let started: { executor?: Executor; processor?: DagProcessor } = {};
  try {
    const maintenance = db.kind === 'pglite' ? enableEmbeddedMaintenance(db.sql) : null;
    const vacuumTimer = maintenance ? setInterval(() => void maintenance.vacuum().catch((err: Error) => log('warn', `VACUUM failed: ${err.message}`)), VACUUM_INTERVAL_MS) : null;
    vacuumTimer?.unref();
    const jobId = await registerJob(db.sql, 'SchedulerJob', os.hostname(), process.pid, startedAt);
    const secrets = loadSecretBox({ envKey: config.secretKey, home: config.home, generate: !config.databaseUrl });
    for (const w of secrets.warnings) log('warn', w);
    const connections = connectionSource({ db: db.prisma, secrets: secrets.box, env: config.connectionEnv });
    const variables = variableSource(db.sql, config.variableEnv);
    const executor = await createExecutor(config, {
      secrets: secrets.box,
      log,
      services: taskServiceHandler({
        sql: db.sql,
        now: () => clock.now(),
        connections,
        variables,
        llmEnv: config.llmEnv,
        wake: () => scheduler.wake(),
        beforeChange: (job): Promise<void> => scheduler.startRecorded(job.tiId, job.tryNumber),
      }),
    });
    const alerts = new AlertService({
      db: db.prisma,
      clock,
      baseUrl: config.baseUrl,
      notifiers: [
        emailNotifier({
          smtp: config.alerts.smtp,
          connections,
          hostname: os.hostname(),
          variable: (key) => variables.get(key),
        }),
        slackNotifier({ url: config.alerts.slackWebhookUrl, connections }),
        webhookNotifier({ url: config.alerts.genericWebhookUrl }),
      ],
      log: (level, message) => log(level, message),
    });
    const metrics = new FlashflowMetrics({
      sql: db.sql,
      openSlots: () => executor.openSlots(),
      heartbeat: (): Date | null => scheduler.latestHeartbeat,
      log: (level, message) => log(level, message),
    });
    await metrics.start();
    // Created after the executor whose service handler wakes it; handlers only run once tasks do.
    const scheduler = new Scheduler({
      store: sqlRunStore(db.sql, {
        taskLogMaxBytes: config.taskLogMaxBytes,
        onUnknownPool: (pool) => log('warn', `tasks wait on pool '${pool}', which does not exist; create it (pools page, API or CLI) or change the task's pool`),
      }),
      executor,
      clock,
      jobId,
      pollIntervalMs: config.pollIntervalMs,
      zombieThresholdMs: config.zombieThresholdMs,
      maxMapLength: config.maxMapLength,
      createScheduledRuns: options.createScheduledRuns ?? true,
      log: (level, message) => log(level, message),
      onTick: options.onTick
        ? (stats) => {
            metrics.onTick(stats);
            options.onTick?.(stats);
          }
        : metrics.onTick,
      onTryEnded: (event) => {
        metrics.onTryEnded(event);
        alerts.onTryEnded(event);
      },
    });
    const processorJobId = await registerJob(db.sql, DAG_PROCESSOR_JOB, os.hostname(), process.pid, startedAt);
    const processor = new DagProcessor({
      folder: config.dagsFolder,
      pluginFolders: config.pluginFolders,
      sql: db.sql,
      now: () => clock.now(),
      log: (level, message) => log(level, message),
      onSynced: () => {
        void heartbeatJob(db.sql, processorJobId, clock.now()).catch(() => null); // /api/v1/health's dag_processor
        void scheduler.reloadDags().then(() => scheduler.wake());
      },
    });
    await processor.processOnce();
    started = { executor, processor };
    await executor.start();
    await scheduler.start();
    // The local executor runs every queue in this process; remote executors say which workers serve which.
    const self = { name: `${os.hostname()}:${process.pid}`, hostname: os.hostname(), queues: null, slots: config.executor.processes * config.executor.concurrency };
    let recording: Promise<void> | null = null;
    const recordTimer = setInterval(() => {
      recording ??= (executor.workers ? executor.workers() : Promise.resolve([{ ...self, lastHeartbeat: clock.now() }]))
        .then((workers) => recordWorkers(db.sql, workers, clock.now()))
        .catch((err: Error) => log('warn', `could not record the workers: ${err.message}`))
        .finally(() => (recording = null));
    }, WORKERS_RECORD_MS);
    recordTimer.unref();
    // Prisma loads its query compiler on the first model query (≈ 0.9 s); pay that now, not on a user's request.
    void db.prisma.pool.findFirst().catch(() => null);
    if (options.watch) processor.startWatching();
    const stopRetention = config.retentionDays ? startRetention({ sql: db.sql, days: config.retentionDays, clock, log }) : null;
    let stopping: Promise<void> | null = null;
    return {
      config,
      db,
      clock,
      scheduler,
      executor,
      processor,
      alerts,
      metrics,
      secrets: secrets.box,
      jobId,
      startedAt,
      stop: () =>
        (stopping ??= (async () => {
          // Tries killed by the executor's stop still reach the scheduler, so none stays 'running'.
          if (vacuumTimer) clearInterval(vacuumTimer);
          clearInterval(recordTimer);
          await recording;
          await stopRetention?.();
          await processor.stop();
          scheduler.beginShutdown();
          await executor.stop();
          await scheduler.idle();
          await scheduler.stop();
          await alerts.stop();
          await endJob(db.sql, jobId, clock.now()).catch(() => null);
          await endJob(db.sql, processorJobId, clock.now()).catch(() => null);
          await db.close();
        })()),
    };
  } catch (err) {
    await started.processor?.stop().catch(() => {});
    await started.executor?.stop().catch(() => {});
    await db.close();
    throw err;
  }
}
