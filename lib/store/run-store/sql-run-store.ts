// The RunStore port on PostgreSQL (PGlite or a server), raw set-based SQL: DESIGN.md §8 measured the
// scheduler's transitions 25× faster this way than one Prisma transaction per task.
import type { RunStore } from '../../engine/run-store-port';
import type { SqlClient } from '../database';
import { listActiveDags, setNextDagrun } from './dag-queries';
import { appendLogs, cappedLines, createCallbackRequests, finishCallback, heartbeatJob, TaskLogCap } from './logs-and-callbacks';
import { DEFAULT_TASK_LOG_MAX_BYTES } from '../../engine/task-log-cap';
import { assetReadyDags, consumeAssetQueue, linkConsumedEvents, recordAssetEvents, type ConsumedUpdate } from './asset-queries';
import { queueScheduled } from './claim-scheduled';
import { createRun, finishRun, listRunningRuns, loadMappedItems, loadXcoms, startQueuedRuns } from './run-queries';
import * as tries from './try-transitions';

export interface SqlRunStoreOptions {
  /** Told (once per pool name) when scheduled tasks wait on a pool that does not exist. */
  onUnknownPool?: (pool: string) => void;
  /** Per-try log cap (FLASHFLOW_TASK_LOG_MAX_BYTES); default DEFAULT_TASK_LOG_MAX_BYTES. */
  taskLogMaxBytes?: number;
}

export function sqlRunStore(sql: SqlClient, options: SqlRunStoreOptions = {}): RunStore {
  const reported = new Set<string>();
  const logCap = new TaskLogCap(options.taskLogMaxBytes ?? DEFAULT_TASK_LOG_MAX_BYTES);
  const unknownPools = (pools: string[]) => {
    for (const p of pools) {
      if (reported.has(p)) continue;
      reported.add(p);
      options.onUnknownPool?.(p);
    }
  };
  return {
    listDags: () => listActiveDags(sql),
    setNextDagrun: (dagId, next) => setNextDagrun(sql, dagId, next),
    createRun: (run, dag, now) => createRun(sql, run, dag, now),
    startQueuedRuns: (now) => startQueuedRuns(sql, now),
    listRunningRuns: () => listRunningRuns(sql),
    loadTis: (runs) => tries.loadTis(sql, runs),
    applyDecisions: (decisions, now) => tries.applyDecisions(sql, decisions, now),
    markStarted: (starts) => tries.markStarted(sql, starts),
    heartbeat: (tis, at) => tries.heartbeat(sql, tis, at),
    finishTries: async (finishes, logs = []) => tries.finishTries(sql, finishes, await cappedLines(sql, logs, logCap)),
    skipTasks: (run, taskIds, now) => tries.skipTasks(sql, run, taskIds, now),
    expandMapped: (run, taskId, count, now) => tries.expandMapped(sql, run, taskId, count, now),
    promoteDueRetries: (now) => tries.promoteDueRetries(sql, now),
    nextRetryAt: () => tries.nextRetryAt(sql),
    queueScheduled: async (limit, now) => {
      const queued = await queueScheduled(sql, limit, now, unknownPools);
      logCap.startFresh(queued.filter((q) => q.firstPokeAt === null));
      return queued;
    },
    loadXcoms: (runs, taskIds) => loadXcoms(sql, runs, taskIds),
    loadMappedItems: (requests) => loadMappedItems(sql, requests),
    finishRun: (run, state, reason, now) => finishRun(sql, run, state, reason, now),
    findOrphans: (before) => tries.findOrphans(sql, before),
    requeue: (tis, now) => tries.requeue(sql, tis, now),
    appendLogs: (lines) => appendLogs(sql, lines, logCap),
    recordAssetEvents: (events, now) => recordAssetEvents(sql, events, now),
    assetReadyDags: () => assetReadyDags(sql),
    createAssetRun: (run, dag, uris, now) => {
      let consumed: ConsumedUpdate[] | null = null;
      return createRun(sql, run, dag, now, {
        before: async (tx) => (consumed = await consumeAssetQueue(tx, run, uris)) !== null,
        after: (tx, dagRunId) => linkConsumedEvents(tx, dagRunId, run.dagId, consumed!),
      });
    },
    createCallbackRequests: (requests, now) => createCallbackRequests(sql, requests, now),
    finishCallback: (id, ok, error, now) => finishCallback(sql, id, ok, error, now),
    heartbeatJob: (jobId, at) => heartbeatJob(sql, jobId, at),
  };
}
