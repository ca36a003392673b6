// Password changes and resets revoke the user's API tokens (a user changing their own password may keep them), and
// every password change, token creation and token revocation is in the event log GET /api/v1/eventLogs lists — with
// who did it, never a password or a token. Real PGlite; the CLI's commands as the control socket runs them.
import { userInfo } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listEventLogsPage } from '../../lib/api/handlers/monitoring';
import type { ApiRuntime } from '../../lib/api/handlers/shared';
import type { CommandContext } from '../../lib/cli/command-context';
import { USER_COMMANDS } from '../../lib/cli/user-commands';
import { cliAudit } from '../../lib/ops/auth/account-audit';
import { authenticateApiToken, createApiToken, revokeApiToken } from '../../lib/ops/auth/api-tokens';
import { createUser, resetPassword } from '../../lib/ops/auth/user-accounts';
import type { Database } from '../../lib/store/database';
import { FakeClock } from '../support/fake-clock';
import { createTestDb } from '../support/test-db';

const clock = new FakeClock('2026-12-07T06:00:00Z');
/** The default scrypt cost is tested in tests/unit/auth/password-hash.test.ts. */
const CHEAP = { logN: 10, r: 8, p: 1 };
const UI_BOB = { via: 'ui', owner: 'bob' } as const;
let db: Database;
let cli: CommandContext;

beforeAll(async () => {
  db = await createTestDb();
  for (const [username, role] of [['ada', 'Admin'], ['bob', 'User'], ['cyd', 'User']] as const) {
    await createUser(db.prisma, { username, firstname: 'F', lastname: 'L', email: `${username}@example.com`, role, password: `${username}-password` }, clock.now(), CHEAP);
  }
  cli = { sql: db.sql, prisma: db.prisma, now: () => clock.now() } as CommandContext;
});
afterAll(() => db?.close());

beforeEach(async () => {
  clock.advance(60_000);
  await db.prisma.apiToken.deleteMany({});
  await db.prisma.eventLog.deleteMany({});
});

/** The event log as the REST API serves it. */
async function events(event?: string) {
  const page = await listEventLogsPage({ db } as unknown as ApiRuntime, { limit: 100, offset: 0, event });
  return page.event_logs.map((e) => ({ event: e.event, owner: e.owner, extra: JSON.parse(e.extra ?? 'null') as unknown }));
}

const works = async (token: string) => (await authenticateApiToken(db.prisma, token, clock.now())) !== null;

describe('API tokens in the event log', () => {
  it('logs a creation and a revocation (once) by who made them, naming the token by its prefix, never its secret', async () => {
    const { token, summary } = await createApiToken(db.prisma, { username: 'bob', name: 'ci' }, clock.now(), UI_BOB);
    await revokeApiToken(db.prisma, summary.id, clock.now(), UI_BOB, 'bob');
    await revokeApiToken(db.prisma, summary.id, clock.now(), UI_BOB, 'bob');
    expect(await events()).toEqual([
      { event: 'ui.create_token', owner: 'bob', extra: { username: 'bob', name: 'ci', prefix: summary.prefix, expires_at: null } },
      { event: 'ui.revoke_token', owner: 'bob', extra: { username: 'bob', token_id: summary.id, name: 'ci', prefix: summary.prefix } },
    ]);
    expect(JSON.stringify(await db.prisma.eventLog.findMany())).not.toContain(token.slice(summary.prefix.length));
  });

  it('logs the CLI’s tokens commands under the operating-system user', async () => {
    const { summary } = await USER_COMMANDS['tokens.create'](cli, { username: 'cyd', name: 'backup' });
    await USER_COMMANDS['tokens.revoke'](cli, { id: summary.id });
    expect((await events()).map((e) => [e.event, e.owner])).toEqual([['cli.create_token', userInfo().username], ['cli.revoke_token', userInfo().username]]);
  });
});

describe('a new password revokes API tokens', () => {
  it('an admin reset (the CLI) revokes every token of the user (not of others) and is logged', async () => {
    const bob1 = await createApiToken(db.prisma, { username: 'bob', name: 'one' }, clock.now(), UI_BOB);
    const bob2 = await createApiToken(db.prisma, { username: 'bob', name: 'two' }, clock.now(), UI_BOB);
    const cyd = await createApiToken(db.prisma, { username: 'cyd', name: 'hers' }, clock.now(), { via: 'ui', owner: 'cyd' });
    // What `users.reset-password` passes, at a cheap hash cost.
    await resetPassword(db.prisma, 'bob', 'bob-password-2', clock.now(), { audit: cliAudit() }, CHEAP);
    expect([await works(bob1.token), await works(bob2.token), await works(cyd.token)]).toEqual([false, false, true]);
    expect(await events('cli.reset_password')).toEqual([{ event: 'cli.reset_password', owner: userInfo().username, extra: { username: 'bob', api_tokens: 'revoked' } }]);
    expect(JSON.stringify(await events())).not.toContain('bob-password-2');
  });

  it('a user changing their own password keeps the tokens only when they ask to', async () => {
    const kept = await createApiToken(db.prisma, { username: 'bob', name: 'scripts' }, clock.now(), UI_BOB);
    await resetPassword(db.prisma, 'bob', 'bob-password-3', clock.now(), { audit: UI_BOB, keepTokens: true }, CHEAP);
    expect(await works(kept.token)).toBe(true);
    await resetPassword(db.prisma, 'bob', 'bob-password-4', clock.now(), { audit: UI_BOB }, CHEAP);
    expect(await works(kept.token)).toBe(false);
    expect(await events('ui.change_password')).toEqual([
      { event: 'ui.change_password', owner: 'bob', extra: { username: 'bob', api_tokens: 'kept' } },
      { event: 'ui.change_password', owner: 'bob', extra: { username: 'bob', api_tokens: 'revoked' } },
    ]);
  });

  it('someone else resetting the password revokes the tokens even if asked to keep them', async () => {
    const bobs = await createApiToken(db.prisma, { username: 'bob', name: 'scripts' }, clock.now(), UI_BOB);
    await resetPassword(db.prisma, 'bob', 'bob-password-5', clock.now(), { audit: { via: 'ui', owner: 'ada' }, keepTokens: true }, CHEAP);
    expect(await works(bobs.token)).toBe(false);
    expect(await events('ui.reset_password')).toEqual([{ event: 'ui.reset_password', owner: 'ada', extra: { username: 'bob', api_tokens: 'revoked' } }]);
  });
});
