// A set of DAG runs keyed by (dag_id, run_id), for collecting the runs a tick must plan.
import type { RunKey } from './run-store-port';

export function runKeyString(run: RunKey): string {
  return `${run.dagId}\u0000${run.runId}`;
}

export class RunKeySet {
  private readonly keys = new Map<string, RunKey>();

  add(run: RunKey): void {
    this.keys.set(runKeyString(run), { dagId: run.dagId, runId: run.runId });
  }

  addAll(runs: Iterable<RunKey>): void {
    for (const r of runs) this.add(r);
  }

  list(): RunKey[] {
    return [...this.keys.values()];
  }

  get size(): number {
    return this.keys.size;
  }
}

/** Only the key of a larger record, so that spreading it adds no other fields. */
export function runKeyOf(x: RunKey): RunKey {
  return { dagId: x.dagId, runId: x.runId };
}
