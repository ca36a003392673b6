// Username + password → the user, for the login form and HTTP Basic alike. Consecutive failures lock the account
// for a while (counted in the database, so a restart does not reset them); the per-address limit is in
// rate-limiter.ts. A wrong username costs the same scrypt as a wrong password, so timing reveals no usernames.
import { decoyHash, verifyPassword } from './password-hash';
import type { Principal } from './principal';
import type { Role } from './roles';
import { usernameSchema, type AuthDb } from './user-accounts';

export const LOCKOUT = { maxFailures: 5, lockMs: 5 * 60_000 } as const;

export type CredentialCheck =
  | { ok: true; principal: Principal; passwordHash: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterS: number };

export async function checkCredentials(db: AuthDb, rawUsername: string, password: string, now: Date): Promise<CredentialCheck> {
  const parsed = usernameSchema.safeParse(rawUsername);
  const user = parsed.success ? await db.user.findUnique({ where: { username: parsed.data } }) : null;
  if (!user || !user.active) {
    await verifyPassword(password, await decoyHash());
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    return { ok: false, reason: 'locked', retryAfterS: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    const failures = user.failedLogins + 1;
    const locks = failures >= LOCKOUT.maxFailures;
    await db.user.update({
      where: { id: user.id },
      data: locks ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.lockMs) } : { failedLogins: failures },
    });
    return locks ? { ok: false, reason: 'locked', retryAfterS: LOCKOUT.lockMs / 1000 } : { ok: false, reason: 'invalid' };
  }
  if (user.failedLogins > 0 || user.lockedUntil) await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  return {
    ok: true,
    passwordHash: user.passwordHash,
    principal: { userId: user.id, username: user.username, role: user.role as Role, via: 'basic' },
  };
}
