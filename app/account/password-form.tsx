'use client';
// Change one's own password (the current one is asked again); success signs out everywhere and, unless the user
// keeps them, revokes their API tokens.
import { useActionState } from 'react';
import { changePassword, type PasswordFormState } from './actions';

export function PasswordForm() {
  const [state, action, saving] = useActionState<PasswordFormState, FormData>(changePassword, { error: null });
  return (
    <form action={action} className="login-form" data-testid="password-form">
      <label>Current password <input name="current" type="password" autoComplete="current-password" required /></label>
      <label>New password <input name="new" type="password" autoComplete="new-password" minLength={8} required /></label>
      <label>Repeat the new password <input name="confirm" type="password" autoComplete="new-password" minLength={8} required /></label>
      <label className="checkbox">
        <input name="keep_tokens" type="checkbox" /> Keep my API tokens (by default they are revoked with the old password)
      </label>
      {state.error ? <p className="bad" role="alert">{state.error}</p> : null}
      <button type="submit" disabled={saving}>Change password</button>
    </form>
  );
}
