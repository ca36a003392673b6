// Slack incoming webhook: one message per alert, `text` for notifications and clients without blocks, blocks for
// the channel. URL from FLASHFLOW_SLACK_WEBHOOK_URL, else connection `slack_default` (hooks/slack-webhook.ts).
import { postJson, redactUrl } from '../../hooks/post-json';
import { escapeSlack as esc, SLACK_CONN_ID, slackUrlFromConnection } from '../../hooks/slack-webhook';
import type { ConnectionSource } from '../../store/connections';
import { tiLabel, type Alert } from './alert-model';
import type { AlertRoute, Notifier } from './notifier-port';

export function slackNotifier(deps: { url: string | null; connections: ConnectionSource | null }): Notifier {
  return {
    channel: 'slack',
    async route(alert): Promise<AlertRoute | null> {
      let url = deps.url;
      if (!url && deps.connections) {
        try {
          const conn = await deps.connections.get(SLACK_CONN_ID);
          url = conn ? slackUrlFromConnection(conn) : null;
        } catch (err) {
          return { recipient: null, skipped: `cannot read connection ${SLACK_CONN_ID}: ${(err as Error).message}` };
        }
      }
      if (!url) return null;
      const target = url;
      return { recipient: redactUrl(target), deliver: (signal) => postJson(target, slackPayload(alert), signal) };
    },
  };
}

/** Slack's incoming-webhook payload: https://api.slack.com/messaging/webhooks */
export function slackPayload(alert: Alert): { text: string; blocks: unknown[] } {
  const icon = alert.kind === 'failure' ? ':red_circle:' : ':large_orange_circle:';
  const what = alert.kind === 'failure' ? 'Task failed' : 'Task up for retry';
  const tries = alert.maxTries === null ? `${alert.tryNumber}` : `${alert.tryNumber} of ${alert.maxTries}`;
  const error = alert.error ? truncate(alert.error, 2500) : '(no error message)';
  return {
    text: `${icon} ${what}: ${tiLabel(alert)} (run ${alert.runId}, try ${tries})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${what}:* <${alert.logUrl}|${esc(tiLabel(alert))}>` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*DAG*\n${esc(alert.dagId)}` },
          { type: 'mrkdwn', text: `*Task*\n${esc(alert.taskId)}${alert.mapIndex >= 0 ? ` [${alert.mapIndex}]` : ''}` },
          { type: 'mrkdwn', text: `*Run*\n${esc(alert.runId)}` },
          { type: 'mrkdwn', text: `*Try*\n${tries}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Error*\n\`\`\`${esc(error)}\`\`\`` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${alert.logUrl}|View log> · ${alert.at.toISOString()}` }] },
    ],
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
