// The `users` and `tokens` command groups. Flags follow `airflow users …` so scripts and habits carry over.
import { Option, type Command } from 'commander';
import { printJson, printTable } from './output';

type ViaDb = (command: string, args: Record<string, unknown>) => Promise<unknown>;
type Out = (line: string) => void;

interface UserRow {
  id: number; username: string; firstname: string; lastname: string; email: string; role: string; active: boolean; last_login: string | null;
}
interface TokenRow {
  id: number; username: string; name: string; prefix: string; created_at: string; last_used_at: string | null; expires_at: string | null; revoked_at: string | null;
}

const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');

export function addAccountCommands(program: Command, viaDb: ViaDb, out: Out): void {
  const users = program.command('users').description('manage user accounts (roles: Admin, Op, User, Viewer)');
  users.command('create').description('create a user')
    .requiredOption('-u, --username <username>', 'login name')
    .requiredOption('-f, --firstname <firstname>', 'first name')
    .requiredOption('-l, --lastname <lastname>', 'last name')
    .requiredOption('-r, --role <role>', 'Admin, Op, User or Viewer')
    .requiredOption('-e, --email <email>', 'e-mail address')
    .option('-p, --password <password>', 'password (at least 8 characters)')
    .option('--use-random-password', 'generate a password and print it once', false)
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const r = (await viaDb('users.create', {
        username: o.username, firstname: o.firstname, lastname: o.lastname, role: o.role, email: o.email,
        password: o.password, use_random_password: o.useRandomPassword,
      })) as { user: UserRow; password: string | null };
      out(`user ${r.user.username} created with role ${r.user.role}`);
      if (r.password) out(`password: ${r.password}`);
    });
  users.command('list').description('list users').addOption(outputOption()).action(async (o: { output: string }) => {
    const rows = (await viaDb('users.list', {})) as UserRow[];
    if (o.output === 'json') return printJson(rows, out);
    printTable(rows.map((u) => ({ id: String(u.id), username: u.username, email: u.email, first_name: u.firstname, last_name: u.lastname, role: u.role, active: String(u.active) })),
      ['id', 'username', 'email', 'first_name', 'last_name', 'role', 'active'], out);
  });
  users.command('delete').description('delete a user (their sessions and API tokens end with them)')
    .requiredOption('-u, --username <username>', 'login name')
    .action(async (o: { username: string }) => {
      const u = (await viaDb('users.delete', { username: o.username })) as UserRow;
      out(`user ${u.username} deleted`);
    });
  users.command('reset-password').description("set a user's password (signs them out everywhere, revokes their API tokens and unlocks the account)")
    .requiredOption('-u, --username <username>', 'login name')
    .option('-p, --password <password>', 'new password (at least 8 characters)')
    .option('--use-random-password', 'generate a password and print it once', false)
    .action(async (o: { username: string; password?: string; useRandomPassword: boolean }) => {
      const r = (await viaDb('users.reset-password', { username: o.username, password: o.password, use_random_password: o.useRandomPassword })) as { user: UserRow; password: string | null };
      out(`password of ${r.user.username} reset`);
      if (r.password) out(`password: ${r.password}`);
    });

  const tokens = program.command('tokens').description('manage API tokens (Authorization: Bearer ff_…)');
  tokens.command('create').description('create an API token for a user; it is printed once and stored only as a hash')
    .requiredOption('-u, --username <username>', 'the user the token acts as')
    .requiredOption('-n, --name <name>', 'what the token is for, e.g. "ci"')
    .option('--expires-at <iso>', 'expiry date and time (default: never)')
    .addOption(outputOption())
    .action(async (o: { username: string; name: string; expiresAt?: string; output: string }) => {
      const r = (await viaDb('tokens.create', { username: o.username, name: o.name, expires_at: o.expiresAt })) as { token: string; summary: TokenRow };
      if (o.output === 'json') return printJson({ ...r.summary, token: r.token }, out);
      out(`API token ${r.summary.id} (${r.summary.name}) for ${r.summary.username}; copy it now, it is not shown again:`);
      out(r.token);
    });
  tokens.command('list').description('list API tokens (never their secrets)')
    .option('-u, --username <username>', 'only this user\'s tokens')
    .addOption(outputOption())
    .action(async (o: { username?: string; output: string }) => {
      const rows = (await viaDb('tokens.list', { username: o.username })) as TokenRow[];
      if (o.output === 'json') return printJson(rows, out);
      printTable(rows.map((t) => ({ id: String(t.id), username: t.username, name: t.name, prefix: `${t.prefix}…`, last_used: t.last_used_at ?? '', state: t.revoked_at ? 'revoked' : t.expires_at && new Date(t.expires_at) <= new Date() ? 'expired' : 'active' })),
        ['id', 'username', 'name', 'prefix', 'last_used', 'state'], out);
    });
  tokens.command('revoke <id>').description('revoke an API token; requests with it are refused from now on')
    .action(async (id: string) => {
      const t = (await viaDb('tokens.revoke', { id })) as TokenRow;
      out(`API token ${t.id} (${t.name}) of ${t.username} revoked`);
    });
}
