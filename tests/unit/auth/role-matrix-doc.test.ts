// docs/roles.md carries the matrix of every /api/v1 endpoint; it must say what the gate enforces.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../../lib/api/openapi';
import { roleMatrixMarkdown } from '../../../lib/ops/auth/role-matrix';

const BEGIN = '<!-- role-matrix:begin -->';
const END = '<!-- role-matrix:end -->';

describe('docs/roles.md', () => {
  it('lists every API endpoint with the roles the gate lets through', () => {
    const doc = readFileSync(new URL('../../../docs/roles.md', import.meta.url), 'utf8');
    const block = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
    const expected = roleMatrixMarkdown(ENDPOINTS);
    // On failure, paste the expected table between the markers (FLASHFLOW_WRITE_ROLE_MATRIX=1 does it for you).
    if (process.env.FLASHFLOW_WRITE_ROLE_MATRIX === '1' && block !== expected) {
      const start = doc.indexOf(BEGIN) + BEGIN.length;
      writeFileSync(new URL('../../../docs/roles.md', import.meta.url), `${doc.slice(0, start)}\n${expected}\n${doc.slice(doc.indexOf(END))}`);
      return;
    }
    expect(block).toBe(expected);
  });
});
