// `flashflow users …` and `flashflow tokens …`: accounts and API tokens, run where the database is. Passwords
// and tokens cross the control socket, which only the server's owner can open (mode 600).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseInput } from '../kernel/zod-issues';
import { cliAudit } from '../ops/auth/account-audit';
import { createApiToken, listApiTokens, revokeApiToken } from '../ops/auth/api-tokens';
import { createUser, deleteUser, listUsers, resetPassword } from '../ops/auth/user-accounts';
import type { CommandContext } from './command-context';

const UsernameArgs = z.object({ username: z.string() });
const PasswordArgs = UsernameArgs.extend({ password: z.string().optional(), use_random_password: z.boolean().optional() });
const CreateArgs = PasswordArgs.extend({ firstname: z.string(), lastname: z.string(), email: z.string(), role: z.string() });
const TokenArgs = z.object({ username: z.string(), name: z.string(), expires_at: z.string().optional() });
const TokenListArgs = z.object({ username: z.string().optional() });
const RevokeArgs = z.object({ id: z.coerce.number({ error: 'must be a token id (a number; see flashflow tokens list)' }).int('must be a whole number').positive('must be positive') });

/** The password given, or a random one (returned so the command can print it once). */
function choosePassword(a: z.output<typeof PasswordArgs>): { password: string; generated: boolean } {
  if (a.password !== undefined && a.use_random_password) throw new Error('give either --password or --use-random-password, not both');
  if (a.password !== undefined) return { password: a.password, generated: false };
  if (a.use_random_password) return { password: randomBytes(12).toString('base64url'), generated: true };
  throw new Error('a password is required: --password <password> or --use-random-password');
}

export const USER_COMMANDS = {
  'users.create': async (ctx: CommandContext, raw: unknown) => {
    const a = parseInput(CreateArgs, raw, 'users create');
    const { password, generated } = choosePassword(a);
    const { username, firstname, lastname, email, role } = a;
    const user = await createUser(ctx.prisma, { username, firstname, lastname, email, role, password }, ctx.now());
    return { user, password: generated ? password : null };
  },
  'users.list': async (ctx: CommandContext) => listUsers(ctx.prisma),
  'users.delete': async (ctx: CommandContext, raw: unknown) => deleteUser(ctx.prisma, parseInput(UsernameArgs, raw, 'users delete').username),
  'users.reset-password': async (ctx: CommandContext, raw: unknown) => {
    const a = parseInput(PasswordArgs, raw, 'users reset-password');
    const { password, generated } = choosePassword(a);
    // An admin's reset: the user's API tokens are revoked with the old password.
    const user = await resetPassword(ctx.prisma, a.username, password, ctx.now(), { audit: cliAudit() });
    return { user, password: generated ? password : null };
  },
  'tokens.create': async (ctx: CommandContext, raw: unknown) => createApiToken(ctx.prisma, parseInput(TokenArgs, raw, 'tokens create'), ctx.now(), cliAudit()),
  'tokens.list': async (ctx: CommandContext, raw: unknown) => listApiTokens(ctx.prisma, parseInput(TokenListArgs, raw, 'tokens list')),
  'tokens.revoke': async (ctx: CommandContext, raw: unknown) => revokeApiToken(ctx.prisma, parseInput(RevokeArgs, raw, 'tokens revoke').id, ctx.now(), cliAudit()),
} as const;
