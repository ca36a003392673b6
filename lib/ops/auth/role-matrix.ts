// The role matrix as Markdown, from the same requirement table the gate enforces, so docs/roles.md cannot drift
// from the code (tests/unit/auth/role-matrix-doc.test.ts compares them).
import { requirementFor } from './required-role';
import { ROLES, roleAtLeast } from './roles';

export interface MatrixEndpoint {
  method: string;
  path: string;
}

export function roleMatrixMarkdown(endpoints: readonly MatrixEndpoint[]): string {
  const header = `| endpoint | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = endpoints.map((e) => {
    const r = requirementFor(e.method, `/api/v1${e.path}`);
    const cells = ROLES.map((role) => (r.kind === 'public' || roleAtLeast(role, r.role) ? '✓' : ''));
    return `| \`${e.method} ${e.path}\`${r.kind === 'public' ? ' (no sign-in needed)' : ''} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
