// An endpoint's contract: method, Airflow-style path, and the zod schemas of its path parameters, query, body
// and response. Route handlers parse with these schemas (api-route.ts) and the OpenAPI document is generated
// from the same objects (openapi.ts), so the document cannot drift from what the handlers accept and return.
// Schemas named with `.meta({ id })` become `#/components/schemas/<id>`; Airflow's names where Airflow has the schema.
import type { z } from 'zod';
import type { ProblemStatus } from './problem';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Media types of downloads; .apkg (a zip Anki opens) has no registered type of its own; the any-type range for
 * files served with the type their own name gives (task artifacts).
 */
export type FileMediaType = 'text/csv' | 'application/octet-stream' | '*/*';

export interface Endpoint {
  method: HttpMethod;
  /** OpenAPI path under /api/v1, with Airflow's parameter names: `/dags/{dag_id}/dagRuns`. */
  path: string;
  /** Airflow's operationId where Airflow has the endpoint. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A named strict object: unknown fields are refused with 400. */
  body?: z.ZodType;
  /** A named schema for 200, or null for 204 No Content. */
  response: z.ZodType | null;
  /** The endpoint also answers `text/plain` when the client asks for it (task logs). */
  textPlain?: boolean;
  /**
   * The 200 is a file download, not JSON: the media types it can carry (the handler answers a Response with one
   * of them, picked by a query parameter or the file's name), each described by `response`, e.g. a binary string.
   */
  responseContentTypes?: readonly FileMediaType[];
  /** Problem statuses the endpoint can answer besides the ones every endpoint can (500, 503). */
  errors: readonly ProblemStatus[];
}

export function endpoint<const E extends Endpoint>(e: E): E {
  return e;
}

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What a handler receives once the request passed its contract. */
export interface EndpointInput<E extends Endpoint> {
  params: Out<E['params']>;
  query: Out<E['query']>;
  body: Out<E['body']>;
}

/** What a handler returns: the response schema's input (= wire) type, or nothing for 204. */
export type EndpointResult<E extends Endpoint> = E['response'] extends z.ZodType ? z.input<E['response']> : void;
