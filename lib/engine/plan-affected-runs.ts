// Plans the runs a tick touched: reads their task instances once, writes every run's decisions together,
// then ends the runs that are done and requests their DAG callbacks.
import type { SerializedDag } from './dag-model';
import { planRun, type TiDecision } from './plan-run';
import { transition } from './task-states';
import type { CallbackRequest, RunKey, RunStore } from './run-store-port';
import { runKeyOf, runKeyString } from './run-key-set';
import type { DagCatalog } from './dag-catalog';
import type { TickHints } from './tick-hints';
import type { CallbackSubmitter } from './submit-callbacks';

export interface PlanAffectedRunsOptions {
  store: RunStore;
  catalog: DagCatalog;
  hints: TickHints;
  callbacks: CallbackSubmitter;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export async function planAffectedRuns(
  opts: PlanAffectedRunsOptions,
  runs: RunKey[],
  now: Date,
): Promise<{ decisions: number; finishedRuns: number }> {
  if (runs.length === 0) return { decisions: 0, finishedRuns: 0 };
  const { store, catalog } = opts;
  const tis = await store.loadTis(runs);
  const byRun = new Map<string, typeof tis>();
  for (const ti of tis) {
    const key = runKeyString(ti);
    const list = byRun.get(key);
    if (list) list.push(ti);
    else byRun.set(key, [ti]);
  }
  const decisions: TiDecision[] = [];
  const verdicts: Array<{ run: RunKey; state: 'success' | 'failed'; reason: string | null; dag: SerializedDag }> = [];
  for (const run of runs) {
    const dag = catalog.dag(run.dagId);
    const runTis = byRun.get(runKeyString(run)) ?? [];
    if (!dag) continue;
    const plan = planRun(dag, runTis);
    for (const d of plan.decisions) {
      const legal = transition(d.from, d.to);
      if (legal.ok) decisions.push(d);
      else opts.log('error', `refused a decision for ${run.dagId}/${run.runId}: ${legal.reason}`);
    }
    if (plan.verdict.state !== 'running') {
      verdicts.push({ run, state: plan.verdict.state, reason: plan.verdict.state === 'failed' ? plan.verdict.reason : null, dag });
    }
  }
  if (decisions.length) await store.applyDecisions(decisions, now);
  const callbackRequests: CallbackRequest[] = [];
  let finishedRuns = 0;
  for (const v of verdicts) {
    if (!(await store.finishRun(v.run, v.state, v.reason, now))) continue;
    finishedRuns++;
    opts.hints.runsMayStart = true;
    opts.log(v.state === 'success' ? 'info' : 'warn', `dag run ${v.run.dagId}/${v.run.runId} ${v.state}${v.reason ? `: ${v.reason}` : ''}`);
    const kind = v.state === 'success' ? 'onSuccess' : 'onFailure';
    if (v.dag.dag_callbacks.includes(kind)) {
      callbackRequests.push({ ...runKeyOf(v.run), kind, taskId: null, mapIndex: -1, tryNumber: 0, fileloc: v.dag.fileloc, state: v.state, error: v.reason });
    }
  }
  await opts.callbacks.submit(callbackRequests, now);
  return { decisions: decisions.length, finishedRuns };
}
