// Checked in the task's own try, so a wrong-shaped return value fails that try with a clear message
// instead of leaving its downstream tasks in a state nobody can explain.
import type { Dag } from './dag-builder';
import { DEFAULT_MAX_MAP_LENGTH, mapLengthProblem } from './max-map-length';

export function checkSteeringValue(dag: Dag, taskId: string, value: unknown, maxMapLength = DEFAULT_MAX_MAP_LENGTH): string | null {
  const task = dag.tasks.get(taskId);
  if (!task) return null;
  if (task.kind === 'branch') {
    const downstream = [...dag.tasks.values()].filter((t) => t.upstream.has(taskId)).map((t) => t.taskId);
    const ids = value == null ? [] : Array.isArray(value) ? value : [value];
    const bad = ids.filter((id) => typeof id !== 'string' || !downstream.includes(id));
    if (bad.length > 0) {
      return `branch task '${taskId}' must return the id (or a list of ids) of its direct downstream tasks (${downstream.join(', ') || 'none'}); got ${JSON.stringify(bad)}`;
    }
  }
  const mapped = [...dag.tasks.values()].filter((t) => t.mapOver === taskId).map((t) => t.taskId);
  if (mapped.length > 0 && !Array.isArray(value)) {
    return `task '${taskId}' feeds mapped task${mapped.length > 1 ? 's' : ''} ${mapped.map((m) => `'${m}'`).join(', ')} and must return a list; got ${value === null ? 'null' : typeof value}`;
  }
  if (mapped.length > 0) return mapLengthProblem(taskId, mapped, (value as unknown[]).length, maxMapLength);
  return null;
}
