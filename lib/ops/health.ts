// Health in Airflow's shape: the metadatabase answers, and a scheduler heartbeat is recent enough.
import type { SqlClient } from '../store/database';
import { latestHeartbeat } from '../store/jobs';

export type HealthStatus = 'healthy' | 'unhealthy';

export interface HealthInfo {
  metadatabase: { status: HealthStatus };
  scheduler: { status: HealthStatus; latest_scheduler_heartbeat: string | null };
}

/** Airflow's scheduler_health_check_threshold default. */
export const SCHEDULER_HEALTH_THRESHOLD_MS = 30_000;

export async function getHealth(sql: SqlClient, now: Date, thresholdMs = SCHEDULER_HEALTH_THRESHOLD_MS): Promise<HealthInfo> {
  let dbOk = true;
  let beat: Date | null = null;
  try {
    // Reading the heartbeat is the metadatabase's answer: any failure here makes it unhealthy.
    beat = await latestHeartbeat(sql, 'SchedulerJob');
  } catch {
    dbOk = false;
  }
  const schedulerOk = beat !== null && now.getTime() - beat.getTime() <= thresholdMs;
  return {
    metadatabase: { status: dbOk ? 'healthy' : 'unhealthy' },
    scheduler: { status: schedulerOk ? 'healthy' : 'unhealthy', latest_scheduler_heartbeat: beat?.toISOString() ?? null },
  };
}
