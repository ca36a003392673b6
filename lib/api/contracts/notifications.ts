// The alerts raised for a task instance (a Flashflow extension; Airflow keeps no record of the mail it sends):
// one row per channel and alert, delivered or not.
import { z } from 'zod';
import { ALERT_CHANNELS, ALERT_KINDS } from '../../ops/alerts/alert-model';
import { NOTIFICATION_STATUSES } from '../../store/notifications';
import { endpoint } from '../contract';
import { collection, DateTime, NullableDateTime, Paging } from './common';

export const Notification = z
  .object({
    notification_id: z.number().int(),
    channel: z.enum(ALERT_CHANNELS).meta({ description: "none: no channel could carry the alert (status skipped, last_error says why)." }),
    kind: z.enum(ALERT_KINDS),
    recipient: z.string().nullable().meta({ description: 'Mail addresses for email; the endpoint, redacted, for Slack and webhooks.' }),
    dag_id: z.string(),
    dag_run_id: z.string(),
    task_id: z.string().nullable(),
    map_index: z.number().int(),
    try_number: z.number().int(),
    status: z.enum(NOTIFICATION_STATUSES),
    attempts: z.number().int().meta({ description: 'Delivery attempts made so far.' }),
    last_error: z.string().nullable(),
    subject: z.string(),
    body: z.string(),
    created_at: DateTime,
    sent_at: NullableDateTime,
  })
  .meta({ id: 'Notification' });

export const NotificationCollection = collection('notifications', Notification, 'NotificationCollection');

export const getTaskInstanceNotifications = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/notifications',
  operationId: 'get_task_instance_notifications',
  tag: 'TaskInstance',
  summary: 'List the alerts raised for a task instance (email, Slack, webhook), oldest first, and whether each was delivered',
  params: z.object({ dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() }),
  query: z.object({
    ...Paging,
    map_index: z.coerce.number().int().optional().meta({ description: 'Only this instance of a mapped task; every instance when absent.' }),
  }),
  response: NotificationCollection,
  errors: [400, 404],
});

export const notificationEndpoints = [getTaskInstanceNotifications];
