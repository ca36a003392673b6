// Browser sessions: a random id in an httpOnly cookie, its digest in user_session, a CSRF token beside it.
// Sessions slide: each use within the lifetime pushes the expiry out (written at most once a minute).
import type { AuthDb } from './user-accounts';
import type { Principal } from './principal';
import { digest, randomSecret } from './secret-token';
import type { Role } from './roles';

export const SESSION_TTL_MS = 12 * 60 * 60_000;
const TOUCH_EVERY_MS = 60_000;

export async function createSession(db: AuthDb, userId: number, now: Date): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = randomSecret();
  const csrfToken = randomSecret();
  await db.userSession.create({
    data: { idHash: digest(sessionId), userId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) },
  });
  // Expired sessions of anyone are swept here rather than by a timer: logins are rare and this keeps the table small.
  await db.userSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { sessionId, csrfToken };
}

export async function findSession(db: AuthDb, sessionId: string, now: Date): Promise<Principal | null> {
  const s = await db.userSession.findUnique({ where: { idHash: digest(sessionId) }, include: { user: true } });
  if (!s || s.expiresAt <= now || !s.user.active) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.userSession.updateMany({
      where: { idHash: s.idHash },
      data: { lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) },
    });
  }
  return { userId: s.user.id, username: s.user.username, role: s.user.role as Role, via: 'session', csrfToken: s.csrfToken };
}

export async function endSession(db: AuthDb, sessionId: string): Promise<void> {
  await db.userSession.deleteMany({ where: { idHash: digest(sessionId) } });
}
