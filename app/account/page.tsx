// The signed-in user's account: who they are, their API tokens, their password; Admins also see every account.
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/api/current-user';
import { listApiTokens } from '@/lib/ops/auth/api-tokens';
import { listUsers } from '@/lib/ops/auth/user-accounts';
import { getRuntime } from '@/lib/runtime/app-context';
import { PasswordForm } from './password-form';
import { TokenManager, type TokenRow } from './token-manager';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Account · Flashflow' };

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : null);

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect('/login?next=%2Faccount');
  const rt = getRuntime();
  const now = rt.clock.now();
  const tokens: TokenRow[] = (await listApiTokens(rt.db.prisma, { username: user.username })).map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    created_at: when(t.created_at)!,
    last_used_at: when(t.last_used_at),
    expires_at: when(t.expires_at),
    state: t.revoked_at ? 'revoked' : t.expires_at && t.expires_at <= now ? 'expired' : 'active',
  }));
  const users = user.role === 'Admin' ? await listUsers(rt.db.prisma) : null;
  return (
    <>
      <h1>Account</h1>
      <p>Signed in as <strong>{user.username}</strong> with the <strong>{user.role}</strong> role.</p>
      <section className="panel">
        <h2>API tokens</h2>
        <p className="muted small">For scripts and CI: a token acts as you, with your role. Revoke it when it is no longer needed.</p>
        <TokenManager tokens={tokens} />
      </section>
      <section className="panel">
        <h2>Password</h2>
        <PasswordForm />
      </section>
      {users ? (
        <section className="panel">
          <h2>Users</h2>
          <p className="muted small">Manage accounts with <code>flashflow users create | delete | reset-password</code>.</p>
          <table className="table" data-testid="users">
            <thead><tr><th>Username</th><th>Name</th><th>E-mail</th><th>Role</th><th>Last sign-in</th></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}><td>{u.username}</td><td>{u.firstname} {u.lastname}</td><td>{u.email}</td><td>{u.role}</td><td>{when(u.last_login) ?? 'never'}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
