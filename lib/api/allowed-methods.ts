// Which methods each /api/v1 path answers, from the endpoint contracts (the routes are bound to them, a test
// checks): so the gate can answer a wrong method with 405 and an Allow header, in problem+json, before Next's bare 405.
import { ENDPOINTS } from './openapi';

/** Routes outside the contracts: the OpenAPI document and its page. */
const UNCONTRACTED = [
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/ui' },
] as const;

interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

function buildRoutes(): Route[] {
  const byPath = new Map<string, Set<string>>();
  for (const e of [...ENDPOINTS, ...UNCONTRACTED]) byPath.set(e.path, (byPath.get(e.path) ?? new Set()).add(e.method));
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^/api/v1${path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}$`),
    methods,
  }));
}

let routes: Route[] | null = null;

/**
 * The methods `pathname` answers, in Allow-header order, or null when no endpoint has this path (the 404
 * catch-all answers it). A static segment that shadows a parameter (/connections/test) answers both templates'.
 */
export function allowedMethods(pathname: string): string[] | null {
  routes ??= buildRoutes();
  const methods = new Set<string>();
  for (const r of routes) if (r.pattern.test(pathname)) r.methods.forEach((m) => methods.add(m));
  if (methods.size === 0) return null;
  // Next answers HEAD for every GET route, and OPTIONS for every route.
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
