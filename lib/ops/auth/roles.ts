// Airflow's four roles, each a superset of the one before: Viewer reads; User also triggers, clears and reviews;
// Op also manages pools, connections and variables; Admin also manages users. docs/roles.md has the matrix.
import { z } from 'zod';

export const ROLES = ['Viewer', 'User', 'Op', 'Admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
