// Username + password → the user, for the login form and HTTP Basic alike. Consecutive failures lock the account
// for a while (counted in the database, so a restart does not reset them); the per-address limit is in
// rate-limiter.ts. Both are counted before the password is hashed, so parallel guesses cannot all read a count
// that none of them has raised yet. A wrong username, a locked account and a wrong password get the same answer
// after the same statements and the same scrypt, so neither the answer nor its timing tells usernames apart.
import { decoyHash, verifyPassword } from './password-hash';
import type { Principal } from './principal';
import type { FailureRateLimiter } from './rate-limiter';
import type { Role } from './roles';
import { usernameSchema, type AuthDb } from './user-accounts';

export const LOCKOUT = { maxFailures: 5, lockMs: 5 * 60_000 } as const;

/** The one answer to a failed sign-in, whatever the reason: it must not say whether the username exists. */
export const SIGN_IN_REFUSED =
  `wrong username or password (after ${LOCKOUT.maxFailures} failed sign-ins an account is locked for ${LOCKOUT.lockMs / 60_000} minutes)`;

export type CredentialCheck =
  | { ok: true; principal: Principal; passwordHash: string }
  | { ok: false; reason: 'refused' };

const REFUSED = { ok: false, reason: 'refused' } as const;

export async function checkCredentials(db: AuthDb, rawUsername: string, password: string, now: Date): Promise<CredentialCheck> {
  const parsed = usernameSchema.safeParse(rawUsername);
  const user = parsed.success ? await countAttempt(db, parsed.data, now) : null;
  if (!user) {
    // Unknown, inactive or locked: the same second statement and a hash of the same cost, then the same refusal.
    const known = parsed.success ? await db.user.findUnique({ where: { username: parsed.data }, select: { passwordHash: true, active: true } }) : null;
    await verifyPassword(password, known?.active ? known.passwordHash : await decoyHash());
    return REFUSED;
  }
  const matches = await verifyPassword(password, user.passwordHash);
  if (!matches || user.failedLogins > LOCKOUT.maxFailures) return REFUSED;
  await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  return {
    ok: true,
    passwordHash: user.passwordHash,
    principal: { userId: user.id, username: user.username, role: user.role as Role, via: 'basic' },
  };
}

/** Counts the attempt as a failure in one UPDATE … RETURNING (a success resets the count), so each of a burst of
 *  parallel guesses sees the ones before it. The attempt that reaches the limit locks the account; those past it
 *  (racing that lock) are refused whatever their password. Null when the account is unknown, inactive or locked. */
async function countAttempt(db: AuthDb, username: string, now: Date) {
  const [user] = await db.user.updateManyAndReturn({
    where: { username, active: true, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { failedLogins: { increment: 1 } },
    select: { id: true, username: true, role: true, passwordHash: true, failedLogins: true },
  });
  if (user?.failedLogins === LOCKOUT.maxFailures) {
    await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.lockMs) } });
  }
  return user ?? null;
}

export type SignIn =
  | CredentialCheck
  | { ok: false; reason: 'throttled'; retryAfterS: number };

/** A sign-in from `clientKey` (login form or Basic): the per-address limit, then the credentials. */
export async function signIn(db: AuthDb, limiter: FailureRateLimiter, clientKey: string, username: string, password: string, now: Date): Promise<SignIn> {
  const wait = limiter.admit(clientKey);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterS: wait };
  const check = await checkCredentials(db, username, password, now);
  if (check.ok) limiter.forgive(clientKey);
  return check;
}
