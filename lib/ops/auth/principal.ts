// Who is making a request, once authenticated: the gate (http-gate.ts) works it out and hands it to Next in
// request headers that it strips from incoming requests first, so only the gate can set them.
import { isRole, type Role } from './roles';

export interface Principal {
  userId: number;
  username: string;
  role: Role;
  via: 'session' | 'basic' | 'token';
  /** The session's CSRF token (browser sessions only). */
  csrfToken?: string;
}

export const PRINCIPAL_HEADERS = {
  username: 'x-flashflow-user',
  role: 'x-flashflow-role',
} as const;

export function principalHeaders(p: Principal): Record<string, string> {
  return {
    [PRINCIPAL_HEADERS.username]: p.username,
    [PRINCIPAL_HEADERS.role]: p.role,
  };
}

/** The principal the gate attached, read back from a request's headers (null on a public path). */
export function principalFromHeaders(get: (name: string) => string | null | undefined): Pick<Principal, 'username' | 'role'> | null {
  const username = get(PRINCIPAL_HEADERS.username);
  const role = get(PRINCIPAL_HEADERS.role);
  if (!username || !isRole(role)) return null;
  return { username, role };
}
