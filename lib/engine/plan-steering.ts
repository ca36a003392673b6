// What a succeeded task's return value does to the rest of its run: a branch skips the paths it did not
// choose, a short-circuit skips everything downstream, and a list expands the tasks mapped over it.
// The runner has already checked the value's shape (see check-steering-value.ts).
import type { SerializedDag } from './dag-model';

export interface Steering {
  skipTaskIds: string[];
  expansions: Array<{ taskId: string; count: number }>;
}

export function planSteering(dag: SerializedDag, taskId: string, xcom: unknown): Steering {
  const task = dag.tasks.find((t) => t.task_id === taskId);
  const steering: Steering = { skipTaskIds: [], expansions: [] };
  if (!task) return steering;
  if (task.kind === 'branch') {
    const follow = new Set(xcom == null ? [] : Array.isArray(xcom) ? xcom.map(String) : [String(xcom)]);
    steering.skipTaskIds = task.downstream.filter((d) => !follow.has(d));
  } else if (task.kind === 'short_circuit' && !xcom) {
    steering.skipTaskIds = [...descendants(dag, taskId)];
  }
  for (const mapped of dag.tasks) {
    if (mapped.map_over === taskId) steering.expansions.push({ taskId: mapped.task_id, count: Array.isArray(xcom) ? xcom.length : 0 });
  }
  return steering;
}

export function descendants(dag: SerializedDag, taskId: string): Set<string> {
  const byId = new Map(dag.tasks.map((t) => [t.task_id, t]));
  const seen = new Set<string>();
  const stack = [...(byId.get(taskId)?.downstream ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.downstream ?? []));
  }
  return seen;
}
