// State values in SQL text, written out from the transition table's moves and groups (ADR 0021), never by hand.
// Literals, not parameters: the scheduler's statements are prepared once (pglite-statements.ts), and only a literal
// lets the plan PostgreSQL keeps see that few rows are 'scheduled' or 'queued'. With the states as parameters it
// judged its kept plan worse and planned the statement again on every run, which doubled a tick's cost (measured).
import type { DagRunState, TaskState } from '../engine/task-states';

type State = TaskState | DagRunState;

const STATE_NAME = /^[a-z_]+$/;

/** `'running'` */
export function sqlState(state: State): string {
  if (!STATE_NAME.test(state)) throw new Error(`not a state name: ${state}`);
  return `'${state}'`;
}

/** `('queued', 'running')`, for `state IN …` and `state NOT IN …` */
export function sqlStates(states: readonly State[]): string {
  if (states.length === 0) throw new Error('an empty state list matches nothing');
  return `(${states.map(sqlState).join(', ')})`;
}
