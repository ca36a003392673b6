// What each path needs, in one table (docs/roles.md is its human-readable form and a test keeps them equal).
// Reads need Viewer; changes need User; pools, connections and variables need Op even to read (connections hold
// credentials), as in Airflow; managing users needs Admin. Server actions check their own role as well.
import type { Role } from './roles';

export type Requirement = { kind: 'public' } | { kind: 'role'; role: Role };

const PUBLIC: Requirement = { kind: 'public' };
const need = (role: Role): Requirement => ({ kind: 'role', role });

/** Paths anyone may fetch: the login page, static assets, and Airflow's unauthenticated health and version. */
const PUBLIC_PATHS = new Set(['/login', '/favicon.ico', '/api/v1/health', '/api/v1/version', '/api/v1/openapi.json', '/api/v1/ui']);
const OP_RESOURCES = /^\/(?:api\/v1\/)?(?:pools|connections|variables)(?:\/|$)/;
const ADMIN_RESOURCES = /^\/(?:api\/v1\/)?users(?:\/|$)/;

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export function requirementFor(method: string, pathname: string): Requirement {
  if (PUBLIC_PATHS.has(pathname) || pathname.startsWith('/_next/static/')) return PUBLIC;
  if (pathname === '/auth/login') return PUBLIC;
  if (ADMIN_RESOURCES.test(pathname)) return need('Admin');
  if (OP_RESOURCES.test(pathname)) return need('Op');
  const isApi = pathname.startsWith('/api/');
  // A page's unsafe requests are Next server actions (and logout); each action checks its own role.
  if (isSafeMethod(method) || !isApi) return need('Viewer');
  return need('User');
}
