// Airflow's slackwebhook connection read as an incoming-webhook URL: host https://hooks.slack.com/services plus
// password T…/B…/…, or the whole URL in either field. Slack alerts and the slackWebhook operator both post there.
import type { Connection } from '../connections/connection-model';

/** The connection Slack alerts fall back to and the slackWebhook operator uses unless told otherwise. */
export const SLACK_CONN_ID = 'slack_default';

export function slackUrlFromConnection(conn: Pick<Connection, 'host' | 'password'>): string | null {
  const host = conn.host?.trim() ?? '';
  const password = conn.password?.trim() ?? '';
  if (/^https?:\/\//.test(password)) return password;
  if (!host) return null;
  const base = /^https?:\/\//.test(host) ? host : `https://${host}`;
  return password ? `${base.replace(/\/+$/, '')}/${password.replace(/^\/+/, '')}` : base;
}

/** Slack's mrkdwn control characters, so a value shows as written rather than as a link or a mention. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
