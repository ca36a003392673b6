// How many instances one mapped task may expand into: Airflow's [core] max_map_length, same default. A list longer
// than that fails the try that returned it, naming both numbers, instead of flooding the run with instances.
import { z } from 'zod';

export const DEFAULT_MAX_MAP_LENGTH = 1024;

/** FLASHFLOW_MAX_MAP_LENGTH. */
export const MaxMapLength = z.coerce.number().int().min(1).default(DEFAULT_MAX_MAP_LENGTH);

/** The limit a runner process applies: its environment's setting, the default when unset or invalid. */
export function maxMapLengthFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.FLASHFLOW_MAX_MAP_LENGTH;
  const parsed = MaxMapLength.safeParse(raw === '' ? undefined : raw);
  return parsed.success ? parsed.data : DEFAULT_MAX_MAP_LENGTH;
}

export function mapLengthProblem(taskId: string, mapped: string[], length: number, max: number): string | null {
  if (length <= max) return null;
  const which = mapped.map((m) => `'${m}'`).join(', ');
  return `task '${taskId}' returned a list of ${length} items for mapped task${mapped.length > 1 ? 's' : ''} ${which}, ` +
    `more than the ${max} instances a mapped task may have (FLASHFLOW_MAX_MAP_LENGTH=${max})`;
}
