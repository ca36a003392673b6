// Health in Airflow's shape (2.6+): the metadatabase answers, and the scheduler's and the DAG processor's
// heartbeats are recent enough. Flashflow has no triggerer (reschedule-mode sensors wait in the scheduler, and
// no task defers), so that component is reported as Airflow reports one that never ran: status null.
import type { SqlClient } from '../store/database';
import { latestHeartbeat } from '../store/jobs';

export type HealthStatus = 'healthy' | 'unhealthy';

export interface HealthInfo {
  metadatabase: { status: HealthStatus };
  scheduler: { status: HealthStatus; latest_scheduler_heartbeat: string | null };
  triggerer: { status: HealthStatus | null; latest_triggerer_heartbeat: string | null };
  dag_processor: { status: HealthStatus | null; latest_dag_processor_heartbeat: string | null };
}

/** The job rows' types, Airflow's names. */
export const SCHEDULER_JOB = 'SchedulerJob';
/** Beats after every pass over the DAG folder that parsed it (import errors in single files included). */
export const DAG_PROCESSOR_JOB = 'DagProcessorJob';

/** Airflow's scheduler_health_check_threshold default. */
export const SCHEDULER_HEALTH_THRESHOLD_MS = 30_000;
/** The DAG folder is parsed at least every 60 s (DagProcessor's safety-net interval): two missed passes and some. */
export const DAG_PROCESSOR_HEALTH_THRESHOLD_MS = 150_000;

type Beat = { ok: true; at: Date | null } | { ok: false };

async function beatOf(sql: SqlClient, jobType: string): Promise<Beat> {
  try {
    return { ok: true, at: await latestHeartbeat(sql, jobType) };
  } catch {
    return { ok: false };
  }
}

const fresh = (at: Date | null, now: Date, thresholdMs: number) => at !== null && now.getTime() - at.getTime() <= thresholdMs;

export async function getHealth(sql: SqlClient, now: Date, thresholdMs = SCHEDULER_HEALTH_THRESHOLD_MS): Promise<HealthInfo> {
  // Reading the heartbeats is the metadatabase's answer: any failure here makes it unhealthy.
  const [scheduler, processor] = [await beatOf(sql, SCHEDULER_JOB), await beatOf(sql, DAG_PROCESSOR_JOB)];
  const schedulerAt = scheduler.ok ? scheduler.at : null;
  const processorAt = processor.ok ? processor.at : null;
  // As Airflow: a component with no live job at all is null (not deployed), one whose beat is stale is unhealthy.
  const processorStatus: HealthStatus | null = !processor.ok
    ? 'unhealthy'
    : processorAt === null
      ? null
      : fresh(processorAt, now, DAG_PROCESSOR_HEALTH_THRESHOLD_MS) ? 'healthy' : 'unhealthy';
  return {
    metadatabase: { status: scheduler.ok && processor.ok ? 'healthy' : 'unhealthy' },
    scheduler: {
      status: fresh(schedulerAt, now, thresholdMs) ? 'healthy' : 'unhealthy',
      latest_scheduler_heartbeat: schedulerAt?.toISOString() ?? null,
    },
    triggerer: { status: null, latest_triggerer_heartbeat: null },
    dag_processor: { status: processorStatus, latest_dag_processor_heartbeat: processorAt?.toISOString() ?? null },
  };
}
