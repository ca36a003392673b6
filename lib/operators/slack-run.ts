// Runs a slackWebhook task: the connection's webhook URL, the text with its placeholders filled in, one POST. A
// webhook Slack has revoked (404, 403) fails without retry; a timeout or a 5xx uses the task's retries.
import { NonRetriableError } from '../engine/task-context';
import { deliverOrFail } from './deliver-or-fail';
import { fetchConnection } from '../hooks/hook-context';
import { postJson, redactUrl } from '../hooks/post-json';
import { escapeSlack, slackUrlFromConnection } from '../hooks/slack-webhook';
import { fillPlaceholders } from './message-template';
import type { OperatorRun } from './operator-context';
import { slackWebhookSchema } from './slack';

export const runSlackWebhook: OperatorRun = async (rawArgs, ctx) => {
  const a = slackWebhookSchema.parse(rawArgs);
  const conn = await fetchConnection(ctx, a.connId);
  const url = slackUrlFromConnection(conn);
  if (!url) throw new NonRetriableError(`connection '${a.connId}' has no webhook URL: set its password to the T…/B…/… token or the whole URL`);
  const text = fillPlaceholders(a.text, ctx, escapeSlack);
  const payload = {
    text,
    ...(a.blocks ? { blocks: a.blocks } : {}),
    ...(a.channel ? { channel: a.channel } : {}),
    ...(a.username ? { username: a.username } : {}),
    ...(a.iconEmoji ? { icon_emoji: a.iconEmoji } : {}),
    ...(a.iconUrl ? { icon_url: a.iconUrl } : {}),
  };
  await deliverOrFail(() => postJson(url, payload, ctx.signal));
  ctx.log.info('Posted %d characters to the Slack webhook at %s (connection %s)', text.length, redactUrl(url), a.connId);
  return text;
};
