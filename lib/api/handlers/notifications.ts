// The alerts of a task instance, from the notification table.
import type { z } from 'zod';
import { countNotifications, listNotifications, type NotificationRow } from '../../store/notifications';
import type { EndpointInput } from '../contract';
import type { getTaskInstanceNotifications, Notification, NotificationCollection } from '../contracts/notifications';
import { iso, requireRun, type ApiRuntime } from './shared';

type Wire = z.input<typeof Notification>;

function serializeNotification(n: NotificationRow): Wire {
  return {
    notification_id: n.id,
    channel: n.channel as Wire['channel'],
    kind: n.kind as Wire['kind'],
    recipient: n.recipient,
    dag_id: n.dagId,
    dag_run_id: n.runId,
    task_id: n.taskId,
    map_index: n.mapIndex,
    try_number: n.tryNumber,
    status: n.status as Wire['status'],
    attempts: n.attempts,
    last_error: n.lastError,
    subject: n.subject,
    body: n.body,
    created_at: iso(n.createdAt),
    sent_at: iso(n.sentAt),
  };
}

export async function listTaskInstanceNotifications(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string },
  q: EndpointInput<typeof getTaskInstanceNotifications>['query'],
): Promise<z.input<typeof NotificationCollection>> {
  const filter = { ...key, mapIndex: q.map_index };
  const [rows, total] = await Promise.all([
    listNotifications(rt.db.prisma, { ...filter, limit: q.limit, offset: q.offset }),
    countNotifications(rt.db.prisma, filter),
  ]);
  // Alerts outlive a deleted run (the table is an audit log), so the run is only looked for when there are none.
  if (total === 0) await requireRun(rt, key.dagId, key.runId);
  return { notifications: rows.map(serializeNotification), total_entries: total };
}
