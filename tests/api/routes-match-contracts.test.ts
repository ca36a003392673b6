// The OpenAPI document lists exactly the handlers that exist: every method a route file under app/api/v1 exports is
// bound to the contract for its path (apiRoute(contract, …)), and every contract has such a handler.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../lib/api/contract';
import { ENDPOINTS } from '../../lib/api/openapi';
import { REPO_ROOT } from '../support/cli-harness';

const API_DIR = path.join(REPO_ROOT, 'app', 'api', 'v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Routes outside the contract: the document itself, its page, the 404 catch-all; health and version predate it. */
const UNCONTRACTED = new Set(['/openapi.json', '/ui', '/[[...rest]]', '/health', '/version']);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : [],
  );
}

/** app/api/v1/dags/[dag_id]/route.ts → /dags/{dag_id} */
function apiPath(file: string): string {
  const rel = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  return `/${rel.map((s) => (/^\[[^.]+\]$/.test(s) ? `{${s.slice(1, -1)}}` : s)).join('/')}`;
}

/** /connections/{connection_id} → a pattern that /connections/test matches. */
function templatePattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

describe('route files and endpoint contracts', () => {
  it('bind every exported method to the contract of its path, and leave no contract without a handler', async () => {
    const bound: string[] = [];
    for (const file of routeFiles(API_DIR)) {
      const p = apiPath(file);
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = mod[method] as ({ endpoint?: Endpoint } & ((...a: unknown[]) => unknown)) | undefined;
        if (!handler) continue;
        if (UNCONTRACTED.has(p)) continue;
        expect(handler.endpoint, `${method} ${p} is not bound to a contract`).toBeDefined();
        expect(handler.endpoint!.method).toBe(method);
        if (handler.endpoint!.path !== p) {
          // A static segment that shadows a path parameter (/connections/test) hands the methods it lacks on.
          expect(templatePattern(handler.endpoint!.path).test(p), `${method} ${p} is bound to ${handler.endpoint!.path}`).toBe(true);
          continue;
        }
        bound.push(`${method} ${p}`);
      }
    }
    const documented = ENDPOINTS.filter((e) => !UNCONTRACTED.has(e.path)).map((e) => `${e.method} ${e.path}`);
    expect(bound.sort()).toEqual(documented.sort());
  });

  it('documents health and version, whose routes exist', () => {
    const files = new Set(routeFiles(API_DIR).map(apiPath));
    for (const e of ENDPOINTS.filter((x) => UNCONTRACTED.has(x.path))) expect(files.has(e.path), e.path).toBe(true);
  });
});
