// The assertion every API test makes of an error: an Airflow-shaped problem+json with the status, and a detail
// that says what was wrong.
import { expect } from 'vitest';
import type { ApiResponse } from './openapi-client';

export type Problem = { type: string; title: string; status: number; detail: string; fields?: Array<{ path: string; message: string }> };

export function expectProblem(res: ApiResponse<unknown>, status: number, detail: RegExp): Problem {
  expect(res.status, res.text).toBe(status);
  expect(res.contentType).toBe('application/problem+json');
  const p = res.body as Problem;
  expect(p.status).toBe(status);
  expect(p.type).toMatch(/^https:\/\/airflow\.apache\.org\/.*#section\/Errors\/\w+$/);
  expect(p.title).toBeTruthy();
  expect(p.detail).toMatch(detail);
  return p;
}
