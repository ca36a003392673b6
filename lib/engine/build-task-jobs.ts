// Turns queued task instances into executor jobs: one XCom read for the whole batch, then each job gets
// its direct upstream values and, when mapped, its item. A mapped upstream's results (up to max_map_length of
// them) are not read here nor carried: the job names the task and the runner pulls the list (ADR 0032).
import type { SerializedTask } from './dag-model';
import type { TaskJob } from './executor-port';
import type { MappedItemRequest, QueuedTi, RunStore } from './run-store-port';
import { RunKeySet, runKeyString } from './run-key-set';

export async function buildTaskJobs(
  store: RunStore,
  queued: QueuedTi[],
  taskOf: (dagId: string, taskId: string) => SerializedTask | undefined,
  filelocOf: (dagId: string) => string | undefined,
): Promise<TaskJob[]> {
  const needed = new Set<string>();
  const runs = new RunKeySet();
  const itemRequests: MappedItemRequest[] = [];
  for (const q of queued) {
    const task = taskOf(q.dagId, q.taskId);
    for (const up of task?.upstream ?? []) {
      // A mapped instance gets its item, not the whole list it is mapped over (a 500-word list would
      // otherwise travel to, and be decoded for, every one of the 500 instances); ctx.xcomPull still reads it.
      if (task?.map_over === up) {
        if (q.mapIndex >= 0) itemRequests.push({ dagId: q.dagId, runId: q.runId, taskId: up, index: q.mapIndex });
      } else if (!taskOf(q.dagId, up)?.map_over) needed.add(up);
    }
    runs.add(q);
  }
  const xcoms = needed.size ? await store.loadXcoms(runs.list(), [...needed]) : [];
  const items = new Map((await store.loadMappedItems(itemRequests)).map((i) => [`${runKeyString(i)}\u0000${i.taskId}\u0000${i.index}`, i.value]));
  const byTask = new Map<string, Map<number, unknown>>();
  for (const x of xcoms) {
    const key = `${runKeyString(x)}\u0000${x.taskId}`;
    const m = byTask.get(key) ?? new Map<number, unknown>();
    m.set(x.mapIndex, x.value);
    byTask.set(key, m);
  }
  return queued.map((q) => {
    const task = taskOf(q.dagId, q.taskId);
    const upstream: Record<string, unknown> = {};
    const pullUpstream: string[] = [];
    let item: unknown = null;
    for (const up of task?.upstream ?? []) {
      if (task?.map_over === up) {
        item = items.get(`${runKeyString(q)}\u0000${up}\u0000${q.mapIndex}`) ?? null;
      } else if (taskOf(q.dagId, up)?.map_over) {
        pullUpstream.push(up);
      } else {
        upstream[up] = byTask.get(`${runKeyString(q)}\u0000${up}`)?.get(-1) ?? null;
      }
    }
    return {
      type: 'task',
      tiId: q.tiId,
      dagId: q.dagId,
      runId: q.runId,
      taskId: q.taskId,
      mapIndex: q.mapIndex,
      tryNumber: q.tryNumber,
      maxTries: q.maxTries,
      fileloc: filelocOf(q.dagId) ?? q.fileloc,
      logicalDate: q.logicalDate.toISOString(),
      dataIntervalStart: q.dataIntervalStart.toISOString(),
      dataIntervalEnd: q.dataIntervalEnd.toISOString(),
      conf: q.conf,
      item,
      upstream,
      ...(pullUpstream.length ? { pullUpstream } : {}),
      executionTimeoutMs: task?.execution_timeout_ms ?? null,
      firstPokeAt: q.firstPokeAt?.toISOString() ?? null,
      queue: q.queue,
    } satisfies TaskJob;
  });
}
