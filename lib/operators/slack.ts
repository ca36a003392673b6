// The slackWebhook operator (Airflow's SlackWebhookOperator): a message to a Slack channel from a pipeline, through
// an incoming webhook held by a `slackwebhook` connection (default `slack_default`, the one Slack alerts use):
//   d.task('announce', slackWebhook({ text: 'Model retrained for {{ ds }}: {{ inputs.accuracy }}' }))
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { SLACK_CONN_ID } from '../hooks/slack-webhook';
import { checkedSpec } from './checked-spec';
import { templatedText as templated } from './message-template';


export const slackWebhookSchema = z
  .object({
    connId: connIdSchema.default(SLACK_CONN_ID),
    /** The message (Slack mrkdwn); placeholders such as {{ ds }} are filled in, their values escaped. */
    text: templated.refine((t) => t.trim() !== '', 'must not be empty'),
    /** Block Kit blocks, sent as given (no placeholders); `text` stays the notification's fallback. */
    blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
    /** Legacy webhooks only: new Slack apps post to the channel the webhook was made for. */
    channel: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    iconEmoji: z.string().regex(/^:[^:\s]+:$/, 'must look like :robot_face:').optional(),
    iconUrl: z.url().optional(),
  })
  .strict();

export type SlackWebhookArgs = z.input<typeof slackWebhookSchema>;

/** Its XCom is the text as sent. */
export const slackWebhook = (args: SlackWebhookArgs): OperatorSpec<string> => checkedSpec('slackWebhook', slackWebhookSchema, args);
