// The runs the scheduler creates by itself: one per due cron interval (catchup-aware, within
// max_active_runs), and one per DAG whose schedule assets have all been updated.
import type { SerializedDag } from './dag-model';
import type { DagRecord, RunStore } from './run-store-port';
import { nextDataInterval } from './schedule';

/** Updates each DagRecord's next-run fields in place as it goes, so the caller's cache stays true. */
export async function createDueRuns(store: RunStore, dags: Iterable<DagRecord>, now: Date): Promise<void> {
  const active = new Map<string, number>();
  for (const r of await store.listRunningRuns()) active.set(r.dagId, (active.get(r.dagId) ?? 0) + 1);
  for (const dag of dags) {
    const s = dag.serialized;
    if (dag.isPaused || !s.schedule) continue;
    const schedule = {
      expression: s.schedule,
      timezone: s.timezone,
      startDate: s.start_date ? new Date(s.start_date) : null,
      endDate: s.end_date ? new Date(s.end_date) : null,
      catchup: s.catchup,
    };
    let createAfter = dag.nextDagrunCreateAfter;
    let interval = dag.nextDagrunDataIntervalStart && dag.nextDagrunDataIntervalEnd
      ? { start: dag.nextDagrunDataIntervalStart, end: dag.nextDagrunDataIntervalEnd }
      : null;
    if (!createAfter || !interval) {
      const next = nextDataInterval(schedule, null, now);
      await store.setNextDagrun(dag.dagId, next);
      if (!next) continue;
      createAfter = next.runAfter;
      interval = next;
    }
    let count = active.get(dag.dagId) ?? 0;
    while (createAfter && interval && createAfter <= now && count < s.max_active_runs) {
      await store.createRun(
        { dagId: dag.dagId, runId: `scheduled__${interval.start.toISOString()}`, runType: 'scheduled', logicalDate: interval.start, dataIntervalStart: interval.start, dataIntervalEnd: interval.end, conf: {}, externalTrigger: false },
        s,
        now,
      );
      count++;
      const next = nextDataInterval(schedule, interval, now);
      await store.setNextDagrun(dag.dagId, next);
      createAfter = next?.runAfter ?? null;
      interval = next;
    }
    dag.nextDagrunCreateAfter = createAfter;
    dag.nextDagrunDataIntervalStart = interval?.start ?? null;
    dag.nextDagrunDataIntervalEnd = interval?.end ?? null;
  }
}

/** A DAG scheduled on assets runs once each of them has been updated since its last run. */
export async function createAssetTriggeredRuns(
  store: RunStore,
  dagOf: (dagId: string) => SerializedDag | undefined,
  now: Date,
): Promise<Array<{ dagId: string; uris: string[] }>> {
  const created: Array<{ dagId: string; uris: string[] }> = [];
  for (const { dagId, uris } of await store.assetReadyDags()) {
    const dag = dagOf(dagId);
    if (!dag) continue;
    const ok = await store.createAssetRun(
      { dagId, runId: `asset_triggered__${now.toISOString()}`, runType: 'asset_triggered', logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, conf: {}, externalTrigger: false },
      dag,
      uris,
      now,
    );
    if (ok) created.push({ dagId, uris });
  }
  return created;
}
