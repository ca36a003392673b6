// Cron schedules and data intervals, as Airflow's CronDataIntervalTimetable defines them: the run for
// the interval [start, end) is created once `end` has passed, and its logical date is `start`.
import { Cron } from 'croner';

export const SCHEDULE_PRESETS = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@quarterly': '0 0 1 */3 *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
} as const;

export interface DataInterval {
  start: Date;
  end: Date;
}

export interface NextRunInfo extends DataInterval {
  /** The logical date of the run (= interval start). */
  logicalDate: Date;
  /** The run may be created from this moment on (= interval end). */
  runAfter: Date;
}

export interface CronSchedule {
  expression: string;
  timezone: string;
  startDate: Date | null;
  endDate: Date | null;
  catchup: boolean;
}

/** A cron parser for an expression or preset; throws a readable error for a bad one. */
export function parseCron(expression: string, timezone = 'UTC'): Cron {
  const pattern = SCHEDULE_PRESETS[expression as keyof typeof SCHEDULE_PRESETS] ?? expression;
  if (expression.startsWith('@') && pattern === expression) {
    throw new Error(`unknown schedule preset '${expression}'; use one of ${Object.keys(SCHEDULE_PRESETS).join(', ')} or a cron expression`);
  }
  try {
    return new Cron(pattern, { timezone, paused: true });
  } catch (err) {
    throw new Error(`invalid cron expression '${expression}': ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The next interval to run after the last one (null = none yet), or null when the schedule has ended.
 * Without catchup, intervals that ended before the latest complete one are skipped, as in Airflow.
 */
export function nextDataInterval(schedule: CronSchedule, last: DataInterval | null, now: Date): NextRunInfo | null {
  const cron = parseCron(schedule.expression, schedule.timezone);
  let start: Date | null;
  if (last) {
    start = last.end;
  } else {
    // The first tick at or after startDate; croner's nextRun is exclusive, so step back 1 ms.
    start = schedule.startDate ? cron.nextRun(new Date(schedule.startDate.getTime() - 1)) : null;
  }
  if (!schedule.catchup) {
    // The latest interval that has fully ended is [prev(prev(now)), prev(now)).
    const [latestEnd, latestStart] = cron.previousRuns(2, now);
    if (latestStart && latestEnd && (!start || start < latestStart)) start = latestStart;
    if (!start) start = cron.nextRun(now);
  }
  if (!start) return null;
  if (schedule.startDate && start < schedule.startDate) start = cron.nextRun(new Date(schedule.startDate.getTime() - 1));
  if (!start) return null;
  if (schedule.endDate && start > schedule.endDate) return null;
  const end = cron.nextRun(start);
  if (!end) return null;
  return { start, end, logicalDate: start, runAfter: end };
}
