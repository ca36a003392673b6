'use client';
// Create and revoke the user's API tokens. A new token is shown once, right here; afterwards only its prefix.
import { useActionState, useState, useTransition } from 'react';
import { createToken, revokeToken, type TokenFormState } from './actions';

export interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  state: 'active' | 'revoked' | 'expired';
}

export function TokenManager({ tokens }: { tokens: TokenRow[] }) {
  const [state, action, creating] = useActionState<TokenFormState, FormData>(createToken, { token: null, error: null });
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [revoking, startRevoke] = useTransition();
  return (
    <>
      <form action={action} className="inline-form" data-testid="token-form">
        <label>Name <input name="name" required maxLength={100} placeholder="e.g. ci" /></label>
        <label>Expires after <input name="expires_days" type="number" min={1} max={3650} placeholder="never" /> days</label>
        <button type="submit" disabled={creating}>Create token</button>
      </form>
      {state.error ? <p className="bad" role="alert">{state.error}</p> : null}
      {state.token ? (
        <div className="notice" data-testid="new-token">
          <p>Copy this token now; it is not shown again. Send it as <code>Authorization: Bearer …</code>.</p>
          <code className="token-secret">{state.token}</code>
        </div>
      ) : null}
      {revokeError ? <p className="bad" role="alert">{revokeError}</p> : null}
      {tokens.length === 0 ? <p className="muted">No API tokens yet.</p> : (
        <table className="table" data-testid="tokens">
          <thead><tr><th>Name</th><th>Token</th><th>Created</th><th>Last used</th><th>Expires</th><th>State</th><th /></tr></thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td><code>{t.prefix}…</code></td>
                <td>{t.created_at}</td>
                <td>{t.last_used_at ?? 'never'}</td>
                <td>{t.expires_at ?? 'never'}</td>
                <td>{t.state}</td>
                <td>
                  {t.state === 'active' ? (
                    <button type="button" disabled={revoking} onClick={() => startRevoke(async () => {
                      const r = await revokeToken(t.id);
                      setRevokeError(r.error);
                      // Re-render the server page so the row shows its new state.
                      if (!r.error) window.location.reload();
                    })}>Revoke</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
