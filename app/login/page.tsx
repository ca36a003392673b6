// The sign-in form. It posts to /auth/login, which the HTTP gate answers (lib/api/login-endpoints.ts) with a
// session cookie and a redirect back to where the user was going.
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/api/current-user';
import { safeNext } from '@/lib/api/login-endpoints';

export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  // A locked account gets this answer too, so the form cannot be used to find out which usernames exist.
  invalid: 'Wrong username or password. After 5 failed sign-ins an account is locked for 5 minutes; wait, or ask an Admin to reset the password.',
  throttled: 'Too many failed sign-ins from this address. Wait a few minutes and try again.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const next = safeNext(typeof q.next === 'string' ? q.next : undefined);
  if (await currentUser()) redirect(next);
  const error = typeof q.error === 'string' ? ERRORS[q.error] : undefined;
  return (
    <section className="login panel">
      <h1>Sign in to Flashflow</h1>
      {error ? <p className="bad" role="alert">{error}</p> : null}
      <form method="post" action="/auth/login" className="login-form">
        <input type="hidden" name="next" value={next} />
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p className="muted small">
        First start? The password of <code>admin</code> is in <code>standalone_admin_password.txt</code> in the Flashflow home
        folder (<code>.flashflow</code> by default). Add accounts with <code>flashflow users create</code>.
      </p>
    </section>
  );
}
