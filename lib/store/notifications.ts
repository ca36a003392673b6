// The `notification` table: every alert, recorded before delivery ('pending') and updated after each attempt, or
// 'skipped' with the reason when no channel could carry it. Kinds and channels are plain text whose values live in
// lib/ops/alerts/alert-model.ts; statuses are written only here.
import type { PrismaClient } from './generated/prisma/client';

/** The Prisma client or an interactive transaction's client. */
export type NotificationDb = Pick<PrismaClient, 'notification'>;

/** Where an alert stands: waiting for (another) delivery attempt, delivered, given up, or not sendable at all. */
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;

export interface NewNotification {
  channel: string;
  recipient: string | null;
  kind: string;
  dagId: string;
  runId: string;
  taskId: string | null;
  mapIndex: number;
  tryNumber: number;
  subject: string;
  body: string;
  /** 'pending' (to be delivered) or 'skipped' (with lastError saying why). */
  status: 'pending' | 'skipped';
  lastError?: string | null;
}

export interface NotificationRow extends Omit<NewNotification, 'status' | 'lastError'> {
  id: number;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Rows of one alert (one per channel); returns each row's id by channel. */
export async function recordNotifications(db: NotificationDb, rows: NewNotification[], now: Date): Promise<Map<string, number>> {
  // One INSERT … RETURNING for the whole alert; ids are matched by channel, not by the order RETURNING happens to use.
  const created = await db.notification.createManyAndReturn({
    data: rows.map((r) => ({ ...r, lastError: r.lastError ?? null, createdAt: now })),
    select: { id: true, channel: true },
  });
  return new Map(created.map((c) => [c.channel, c.id]));
}

/** One delivery attempt ended: `sent`, or failed with `error` (`final` when no attempt follows). */
export async function recordDeliveryAttempt(
  db: NotificationDb,
  id: number,
  outcome: { ok: true } | { ok: false; error: string; final: boolean },
  now: Date,
): Promise<void> {
  await db.notification.update({
    where: { id },
    data: outcome.ok
      ? { status: 'sent', attempts: { increment: 1 }, sentAt: now }
      : { status: outcome.final ? 'failed' : 'pending', attempts: { increment: 1 }, lastError: outcome.error },
  });
}

/** A pending notification given up without another attempt (the server is stopping). */
export async function abandonNotification(db: NotificationDb, id: number, reason: string): Promise<void> {
  await db.notification.updateMany({ where: { id, status: 'pending' }, data: { status: 'failed', lastError: reason } });
}

/** Which alerts: those of a DAG, a run, a task, one instance of a mapped task; all when empty. */
export interface NotificationFilter {
  dagId?: string;
  runId?: string;
  taskId?: string;
  mapIndex?: number;
}

const whereOf = (f: NotificationFilter) => ({ dagId: f.dagId, runId: f.runId, taskId: f.taskId, mapIndex: f.mapIndex });

/** Oldest first, so a page reads as the alerts were raised. */
export async function listNotifications(
  db: NotificationDb,
  filter: NotificationFilter & { limit?: number; offset?: number } = {},
): Promise<NotificationRow[]> {
  return db.notification.findMany({ where: whereOf(filter), orderBy: { id: 'asc' }, take: filter.limit ?? 100, skip: filter.offset ?? 0 });
}

export async function countNotifications(db: NotificationDb, filter: NotificationFilter): Promise<number> {
  return db.notification.count({ where: whereOf(filter) });
}
