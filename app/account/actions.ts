'use server';
// The account page's actions: the signed-in user's own API tokens and password. Each acts only on the user the
// gate authenticated, never on a username sent by the browser.
import { redirect } from 'next/navigation';
import { actionUser } from '@/lib/api/current-user';
import { createApiToken, revokeApiToken } from '@/lib/ops/auth/api-tokens';
import { checkCredentials } from '@/lib/ops/auth/check-credentials';
import { resetPassword } from '@/lib/ops/auth/user-accounts';
import { InvalidInputError, NotFoundError } from '@/lib/kernel/errors';
import { getRuntime } from '@/lib/runtime/app-context';

export interface TokenFormState {
  token: string | null;
  error: string | null;
}

export async function createToken(_prev: TokenFormState, form: FormData): Promise<TokenFormState> {
  const who = await actionUser('Viewer');
  if (!who.ok) return { token: null, error: who.message };
  const rt = getRuntime();
  const days = String(form.get('expires_days') ?? '').trim();
  const expiresDays = days === '' ? null : Number(days);
  if (expiresDays !== null && (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 3650)) {
    return { token: null, error: 'Expiry must be a whole number of days between 1 and 3650, or empty for none.' };
  }
  const now = rt.clock.now();
  try {
    const { token } = await createApiToken(rt.db.prisma, {
      username: who.user.username,
      name: String(form.get('name') ?? ''),
      expires_at: expiresDays === null ? null : new Date(now.getTime() + expiresDays * 86_400_000),
    }, now, { via: 'ui', owner: who.user.username });
    return { token, error: null };
  } catch (err) {
    if (err instanceof InvalidInputError) return { token: null, error: err.message };
    throw err;
  }
}

export async function revokeToken(id: number): Promise<{ error: string | null }> {
  const who = await actionUser('Viewer');
  if (!who.ok) return { error: who.message };
  const rt = getRuntime();
  try {
    await revokeApiToken(rt.db.prisma, id, rt.clock.now(), { via: 'ui', owner: who.user.username }, who.user.username);
    return { error: null };
  } catch (err) {
    if (err instanceof NotFoundError) return { error: err.message };
    throw err;
  }
}


export interface PasswordFormState {
  error: string | null;
}

export async function changePassword(_prev: PasswordFormState, form: FormData): Promise<PasswordFormState> {
  const who = await actionUser('Viewer');
  if (!who.ok) return { error: who.message };
  const rt = getRuntime();
  const current = String(form.get('current') ?? '');
  const next = String(form.get('new') ?? '');
  if (next !== String(form.get('confirm') ?? '')) return { error: 'The new password and its confirmation differ.' };
  const check = await checkCredentials(rt.db.prisma, who.user.username, current, rt.clock.now());
  if (!check.ok) return { error: 'The current password is wrong (after 5 wrong tries the account is locked for 5 minutes).' };
  try {
    // The form asks: a user who changes the password as a precaution may keep the tokens their scripts use.
    const keepTokens = form.get('keep_tokens') === 'on';
    await resetPassword(rt.db.prisma, who.user.username, next, rt.clock.now(), { audit: { via: 'ui', owner: who.user.username }, keepTokens });
  } catch (err) {
    if (err instanceof InvalidInputError) return { error: err.message };
    throw err;
  }
  // A new password ends every session, this one included.
  redirect('/login?next=%2Faccount');
}
