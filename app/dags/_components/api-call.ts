// Browser-side calls to /api/v1 that never throw: a result, or the problem+json fields to show beside the form.
import { csrfHeader } from '../../csrf-header';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ApiProblem {
  status: number;
  detail: string;
  fields: FieldProblem[];
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; problem: ApiProblem };

export async function apiCall<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' ? {} : csrfHeader()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, problem: { status: 0, detail: 'Could not reach the Flashflow server. Is it still running?', fields: [] } };
  }
  if (res.status === 204) return { ok: true, data: undefined as T };
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: fall through to the generic message.
  }
  if (res.ok) return { ok: true, data: json as T };
  const p = (json ?? {}) as { detail?: unknown; title?: unknown; fields?: unknown };
  const fields = Array.isArray(p.fields)
    ? p.fields.filter((f): f is FieldProblem => typeof f?.path === 'string' && typeof f?.message === 'string')
    : [];
  const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `The server answered ${res.status}.`;
  return { ok: false, problem: { status: res.status, detail, fields } };
}

/** Path segments are ids chosen by DAG authors; keep them one segment each. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
