// The scheduler's copy of the DAG definitions, reloaded on every poll and after the DAG processor syncs,
// so that a tick looks tasks up in memory instead of asking the store for each.
import type { SerializedDag, SerializedTask } from './dag-model';
import type { DagRecord } from './run-store-port';

export class DagCatalog {
  private dags = new Map<string, DagRecord>();
  private taskIndex = new Map<string, Map<string, SerializedTask>>();

  /** Swaps in a new list whole: a tick still iterating the previous one keeps seeing it unchanged. */
  replace(list: DagRecord[]): void {
    this.dags = new Map(list.map((d) => [d.dagId, d]));
    this.taskIndex = new Map(list.map((d) => [d.dagId, new Map(d.serialized.tasks.map((t) => [t.task_id, t]))]));
  }

  records(): IterableIterator<DagRecord> {
    return this.dags.values();
  }

  dag(dagId: string): SerializedDag | undefined {
    return this.dags.get(dagId)?.serialized;
  }

  task(dagId: string, taskId: string): SerializedTask | undefined {
    return this.taskIndex.get(dagId)?.get(taskId);
  }
}
