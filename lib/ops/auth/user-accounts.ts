// Accounts: create, list, delete, reset a password (the `flashflow users …` commands and the users page).
// Inputs are checked with zod here, so the CLI, the control socket and the UI refuse bad input the same way.
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../kernel/errors';
import { parseInput } from '../../kernel/zod-issues';
import type { PrismaClient } from '../../store/generated/prisma/client';
import { auditRow, type AccountAudit } from './account-audit';
import { hashPassword, type ScryptParams } from './password-hash';
import { roleSchema, type Role } from './roles';

export type AuthDb = Pick<PrismaClient, 'user' | 'userSession' | 'apiToken' | 'eventLog' | '$transaction'>;

/** Short enough to type, long enough that a guess per second (the login limit) takes years to succeed. */
export const MIN_PASSWORD_LENGTH = 8;

export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'may contain only letters, digits and . _ @ -')
  .transform((s) => s.toLowerCase());

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, 'must be at most 1024 characters');

export const newUserSchema = z.strictObject({
  username: usernameSchema,
  firstname: z.string().trim().min(1, 'is required').max(200),
  lastname: z.string().trim().min(1, 'is required').max(200),
  email: z.email('must be an e-mail address'),
  role: roleSchema,
  password: passwordSchema,
});
export type NewUser = z.input<typeof newUserSchema>;

export interface UserSummary {
  id: number;
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  role: Role;
  active: boolean;
  last_login: Date | null;
  created_at: Date;
}

function summary(u: { id: number; username: string; firstName: string; lastName: string; email: string; role: string; active: boolean; lastLogin: Date | null; createdAt: Date }): UserSummary {
  return {
    id: u.id,
    username: u.username,
    firstname: u.firstName,
    lastname: u.lastName,
    email: u.email,
    role: u.role as Role,
    active: u.active,
    last_login: u.lastLogin,
    created_at: u.createdAt,
  };
}


export async function createUser(db: AuthDb, raw: NewUser | Record<string, unknown>, now: Date, cost?: ScryptParams): Promise<UserSummary> {
  const input = parseInput(newUserSchema, raw, 'user');
  const existing = await db.user.findUnique({ where: { username: input.username }, select: { id: true } });
  if (existing) throw new ConflictError(`user '${input.username}' already exists`);
  const passwordHash = await hashPassword(input.password, cost);
  try {
    const u = await db.user.create({
      data: {
        username: input.username,
        firstName: input.firstname,
        lastName: input.lastname,
        email: input.email,
        role: input.role,
        passwordHash,
        createdAt: now,
        changedAt: now,
      },
    });
    return summary(u);
  } catch (err) {
    // Two creations racing past the check above: the unique index decides.
    if ((err as { code?: string }).code === 'P2002') throw new ConflictError(`user '${input.username}' already exists`);
    throw err;
  }
}

export async function listUsers(db: AuthDb): Promise<UserSummary[]> {
  return (await db.user.findMany({ orderBy: { username: 'asc' } })).map(summary);
}

export async function countUsers(db: AuthDb): Promise<number> {
  return db.user.count();
}

export async function findUser(db: AuthDb, rawUsername: string) {
  const username = parseInput(usernameSchema, rawUsername, 'username');
  return db.user.findUnique({ where: { username } });
}

async function requireUser(db: AuthDb, rawUsername: string) {
  const u = await findUser(db, rawUsername);
  if (!u) throw new NotFoundError(`user '${parseInput(usernameSchema, rawUsername, 'username')}' not found`);
  return u;
}

/** Deleting a user ends their sessions and tokens with them (foreign keys cascade). */
export async function deleteUser(db: AuthDb, rawUsername: string): Promise<UserSummary> {
  const u = await requireUser(db, rawUsername);
  const admins = u.role === 'Admin' ? await db.user.count({ where: { role: 'Admin', active: true } }) : 2;
  if (admins <= 1) throw new ConflictError(`'${u.username}' is the last Admin; create another Admin before deleting it`);
  await db.user.delete({ where: { id: u.id } });
  return summary(u);
}

export interface PasswordChange {
  audit: AccountAudit;
  /**
   * Only for users changing their own password (the account page asks): their API tokens go on working. Otherwise
   * every token of the user is revoked — whoever knew the old password may have made one with it.
   */
  keepTokens?: boolean;
}

/**
 * A new password signs the user out everywhere, unlocks the account and revokes the user's API tokens (unless they
 * change their own and keep them); the event log says who did it (`<via>.change_password` for one's own password,
 * `<via>.reset_password` for someone else's or from the CLI).
 */
export async function resetPassword(db: AuthDb, rawUsername: string, rawPassword: string, now: Date, change: PasswordChange, cost?: ScryptParams): Promise<UserSummary> {
  const password = parseInput(passwordSchema, rawPassword, 'password');
  const u = await requireUser(db, rawUsername);
  const own = change.audit.via === 'ui' && change.audit.owner === u.username;
  const keepTokens = own && change.keepTokens === true;
  const passwordHash = await hashPassword(password, cost);
  const update = db.user.update({ where: { id: u.id }, data: { passwordHash, failedLogins: 0, lockedUntil: null, changedAt: now } });
  const [updated] = await db.$transaction([
    update,
    db.userSession.deleteMany({ where: { userId: u.id } }),
    ...(keepTokens ? [] : [db.apiToken.updateMany({ where: { userId: u.id, revokedAt: null }, data: { revokedAt: now } })]),
    db.eventLog.create({ data: auditRow(change.audit, own ? 'change_password' : 'reset_password', { username: u.username, api_tokens: keepTokens ? 'kept' : 'revoked' }, now) }),
  ]);
  return summary(updated as Awaited<typeof update>);
}
