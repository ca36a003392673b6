// What every API handler needs: the slice of the runtime it may use, date formatting, lookups that 404 with a
// message naming what is missing, and the scheduler nudge after an action.
import { InvalidInputError, NotFoundError } from '../../kernel/errors';
import type { AppRuntime } from '../../runtime/app-runtime';
import { dagExists } from '../../store/api-dags';
import { findDagRun, type DagRunRow } from '../../store/api-dag-runs';

export type ApiRuntime = Pick<AppRuntime, 'db' | 'clock' | 'scheduler'>;

export function iso(d: Date): string;
export function iso(d: Date | null): string | null;
export function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** Airflow's serialized timedelta. */
export function timeDelta(ms: number): { __type: 'TimeDelta'; days: number; seconds: number; microseconds: number } {
  const days = Math.floor(ms / 86_400_000);
  const rest = ms - days * 86_400_000;
  return { __type: 'TimeDelta', days, seconds: Math.floor(rest / 1000), microseconds: Math.round((rest % 1000) * 1000) };
}

export async function requireDag(rt: ApiRuntime, dagId: string): Promise<void> {
  if (!(await dagExists(rt.db.sql, dagId))) throw new NotFoundError(`DAG '${dagId}' not found`);
}

export async function requireRun(rt: ApiRuntime, dagId: string, runId: string): Promise<DagRunRow> {
  const run = await findDagRun(rt.db.sql, dagId, runId);
  if (run) return run;
  await requireDag(rt, dagId);
  throw new NotFoundError(`DAG run '${runId}' not found for DAG '${dagId}'`);
}

/** How long an action waits for the scheduler to derive the new state before answering with what is stored. */
const SETTLE_MS = 2_000;

/**
 * Wakes the scheduler after an action and, when `settle`, waits (briefly) for the tick that applies it, so a
 * PATCH answers with the state the run ends up in rather than the intermediate `queued`.
 */
export async function wakeScheduler(rt: ApiRuntime, settle = false): Promise<void> {
  rt.scheduler.wake();
  if (!settle) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    rt.scheduler.idle(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SETTLE_MS);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * The fields a PATCH changes: Airflow's `update_mask`, or every field the body has. A mask naming a field the
 * body lacks is refused, since applying it would silently clear that field.
 */
export function updateMask(mask: readonly string[] | undefined, body: object): Set<string> {
  const fields = new Set<string>(mask ?? Object.keys(body));
  const missing = [...fields].filter((f) => !(f in body));
  if (missing.length > 0) {
    throw new InvalidInputError(`update_mask names fields the body does not have: ${missing.join(', ')}`, [
      { path: 'update_mask', message: `not in the body: ${missing.join(', ')}` },
    ]);
  }
  return fields;
}
