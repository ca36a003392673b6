// What a branch task returns, as it is stored: the ids of the tasks to follow. Authors may return refs (typed, and
// renamed with their task) or ids; the XCom always holds ids, so the scheduler and the UI read plain JSON.
import { isTaskRef } from './task-ref';

export function branchTaskIds(value: unknown): unknown {
  if (isTaskRef(value)) return value.taskId;
  if (Array.isArray(value)) return value.map((v) => (isTaskRef(v) ? v.taskId : v));
  return value;
}
