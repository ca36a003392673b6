// Generic webhook (FLASHFLOW_ALERT_WEBHOOK_URL): the alert as snake_case JSON, for PagerDuty-style relays,
// Teams/Discord bridges or a team's own service.
import { postJson, redactUrl } from '../../hooks/post-json';
import type { Alert } from './alert-model';
import type { Notifier } from './notifier-port';

export function webhookNotifier(deps: { url: string | null }): Notifier {
  return {
    channel: 'webhook',
    async route(alert) {
      const url = deps.url;
      if (!url) return null;
      return { recipient: redactUrl(url), deliver: (signal) => postJson(url, webhookPayload(alert), signal) };
    },
  };
}

export function webhookPayload(alert: Alert): Record<string, unknown> {
  return {
    source: 'flashflow',
    kind: alert.kind,
    dag_id: alert.dagId,
    run_id: alert.runId,
    task_id: alert.taskId,
    map_index: alert.mapIndex,
    try_number: alert.tryNumber,
    max_tries: alert.maxTries,
    state: alert.state,
    error: alert.error,
    log_url: alert.logUrl,
    ended_at: alert.at.toISOString(),
    subject: alert.subject,
    text: alert.body,
  };
}
