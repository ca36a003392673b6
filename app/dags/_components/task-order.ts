// Tasks in the order the grid and Gantt list them: upstream before downstream, ties in definition order.
import type { SerializedTask } from '@/lib/engine/dag-model';
import type { TaskInstanceKey } from './ti-key';

export function topologicalOrder(tasks: SerializedTask[]): SerializedTask[] {
  const byId = new Map(tasks.map((t) => [t.task_id, t]));
  const done = new Set<string>();
  const out: SerializedTask[] = [];
  const visit = (t: SerializedTask, path: Set<string>) => {
    if (done.has(t.task_id) || path.has(t.task_id)) return;
    path.add(t.task_id);
    for (const up of t.upstream) {
      const u = byId.get(up);
      if (u) visit(u, path);
    }
    done.add(t.task_id);
    out.push(t);
  };
  for (const t of tasks) visit(t, new Set());
  return out;
}

export function taskHref(dagId: string, runId: string, taskId: string, mapIndex = -1): string {
  const base = `/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}`;
  return mapIndex >= 0 ? `${base}?map_index=${mapIndex}` : base;
}

/** Where the REST API serves something of a task instance (`artifacts/report.html`, `xcomEntries/return_value`). */
export function taskApiHref(ti: TaskInstanceKey, rest: string): string {
  const base = `/api/v1/dags/${encodeURIComponent(ti.dagId)}/dagRuns/${encodeURIComponent(ti.runId)}/taskInstances/${encodeURIComponent(ti.taskId)}`;
  return `${base}/${rest}${ti.mapIndex >= 0 ? `?map_index=${ti.mapIndex}` : ''}`;
}
