// Browser side: the header that proves a state-changing /api/v1 call comes from our own pages. The token is the
// flashflow_csrf cookie set at sign-in, which other sites can neither read nor send (SameSite=Strict).
export function csrfHeader(): Record<string, string> {
  const match = typeof document === 'undefined' ? null : /(?:^|;\s*)flashflow_csrf=([^;]+)/.exec(document.cookie);
  return match ? { 'x-csrf-token': decodeURIComponent(match[1]!) } : {};
}
