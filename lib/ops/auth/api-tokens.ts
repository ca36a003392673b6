// API tokens for scripts (`Authorization: Bearer ff_…`): shown once when created, stored as a digest, revocable.
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors';
import { parseInput } from '../../kernel/zod-issues';
import { auditRow, type AccountAudit } from './account-audit';
import type { Principal } from './principal';
import type { Role } from './roles';
import { digest, randomSecret } from './secret-token';
import { usernameSchema, type AuthDb } from './user-accounts';

/** Makes a leaked token recognisable to secret scanners and people reading logs. */
export const TOKEN_PREFIX = 'ff_';
/** How much of a token is kept in clear to tell tokens apart in lists. */
const SHOWN_CHARS = TOKEN_PREFIX.length + 6;
/** last_used_at is written at most this often per token, so a busy script does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

const newTokenSchema = z.strictObject({
  username: usernameSchema,
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  expires_at: z.coerce.date({ error: 'must be a date and time, e.g. 2027-01-31T00:00:00Z' }).nullable().optional(),
});

export interface TokenSummary {
  id: number;
  username: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

type TokenRow = { id: number; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null; user: { username: string } };

function summary(t: TokenRow): TokenSummary {
  return { id: t.id, username: t.user.username, name: t.name, prefix: t.prefix, created_at: t.createdAt, last_used_at: t.lastUsedAt, expires_at: t.expiresAt, revoked_at: t.revokedAt };
}

export async function createApiToken(db: AuthDb, raw: z.input<typeof newTokenSchema>, now: Date, audit: AccountAudit): Promise<{ token: string; summary: TokenSummary }> {
  const input = parseInput(newTokenSchema, raw, 'token');
  const user = await db.user.findUnique({ where: { username: input.username } });
  if (!user) throw new NotFoundError(`user '${input.username}' not found`);
  const token = randomSecret(TOKEN_PREFIX);
  const prefix = token.slice(0, SHOWN_CHARS);
  const expiresAt = input.expires_at ?? null;
  // The event names the token by its shown prefix (its id exists only once the row does), never by the secret.
  const [row] = await db.$transaction([
    db.apiToken.create({
      data: { userId: user.id, name: input.name, prefix, tokenHash: digest(token), createdAt: now, expiresAt },
      include: { user: { select: { username: true } } },
    }),
    db.eventLog.create({ data: auditRow(audit, 'create_token', { username: user.username, name: input.name, prefix, expires_at: expiresAt?.toISOString() ?? null }, now) }),
  ]);
  return { token, summary: summary(row) };
}

export async function listApiTokens(db: AuthDb, filter: { username?: string } = {}): Promise<TokenSummary[]> {
  const rows = await db.apiToken.findMany({
    where: filter.username ? { user: { username: parseInput(usernameSchema, filter.username, 'username') } } : {},
    include: { user: { select: { username: true } } },
    orderBy: { id: 'asc' },
  });
  return rows.map(summary);
}

/** Revokes a token; with `owner`, only one of that user's. Revoking twice is harmless (and logged once). */
export async function revokeApiToken(db: AuthDb, id: number, now: Date, audit: AccountAudit, owner?: string): Promise<TokenSummary> {
  const row = await db.apiToken.findUnique({ where: { id }, include: { user: { select: { username: true } } } });
  if (!row || (owner !== undefined && row.user.username !== owner)) throw new NotFoundError(`API token ${id} not found`);
  if (row.revokedAt) return summary(row);
  const [updated] = await db.$transaction([
    db.apiToken.update({ where: { id }, data: { revokedAt: now }, include: { user: { select: { username: true } } } }),
    db.eventLog.create({ data: auditRow(audit, 'revoke_token', { username: row.user.username, token_id: id, name: row.name, prefix: row.prefix }, now) }),
  ]);
  return summary(updated);
}

export async function authenticateApiToken(db: AuthDb, token: string, now: Date): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: digest(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || !row.user.active) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { userId: row.user.id, username: row.user.username, role: row.user.role as Role, via: 'token' };
}
