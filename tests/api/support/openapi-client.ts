// An HTTP client for the tests that checks every answer against the OpenAPI document the server itself serves:
// the status must be one the operation declares, and a JSON body must match that status's schema (compiled from
// the document's JSON Schemas with z.fromJSONSchema: types, enums, nullability, no undeclared fields).
import { z } from 'zod';

type Json = Record<string, unknown>;

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
}

export interface ApiResponse<T = unknown> {
  status: number;
  contentType: string;
  body: T;
  text: string;
  /** The operation the request was matched to, e.g. `get /dags/{dag_id}`. */
  operation: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (no JSON encoding): malformed or oversized bodies. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

function toDefinitions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDefinitions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' ? String(v).replace('#/components/schemas/', '#/definitions/') : toDefinitions(v)]),
  );
}

export class OpenApiClient {
  private readonly definitions: Json;
  private readonly templates: Array<{ template: string; pattern: RegExp; statics: number }>;
  private readonly compiled = new Map<Json, z.ZodType>();
  /** Every operation a test exercised, with the statuses it saw. */
  readonly seen = new Map<string, Set<number>>();

  constructor(
    readonly baseUrl: string,
    readonly doc: Doc,
    /** Sent with every request unless overridden (credentials, usually). */
    readonly defaultHeaders: Record<string, string> = {},
  ) {
    this.definitions = toDefinitions(doc.components.schemas) as Json;
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
        statics: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      }))
      .sort((a, b) => b.statics - a.statics);
  }

  static async connect(baseUrl: string, defaultHeaders: Record<string, string> = {}): Promise<OpenApiClient> {
    const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
    return new OpenApiClient(baseUrl, (await res.json()) as Doc, defaultHeaders);
  }

  /** The same client with other credentials (or none: `{}`). */
  as(headers: Record<string, string>): OpenApiClient {
    return new OpenApiClient(this.baseUrl, this.doc, headers);
  }

  schemaFor(template: string, method: string, status: number, contentType: string): Json | undefined {
    const op = this.doc.paths[template]?.[method];
    const response = op?.responses[String(status)];
    if (!response) throw new Error(`${method.toUpperCase()} ${template} does not declare status ${status}`);
    // A file served with the type its name gives (artifacts) is declared as the range */*.
    return (response.content?.[contentType] ?? response.content?.['*/*'])?.schema;
  }

  validate(schema: Json, body: unknown): z.ZodSafeParseResult<unknown> {
    let zod = this.compiled.get(schema);
    if (!zod) {
      zod = z.fromJSONSchema({ ...(toDefinitions(schema) as Json), definitions: this.definitions } as never, { defaultTarget: 'openapi-3.0' });
      this.compiled.set(schema, zod);
    }
    return zod.safeParse(body);
  }

  async request<T = Json>(method: string, apiPath: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...opts.headers };
    let payload: string | Uint8Array | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/v1${apiPath}`, { method, headers, body: payload as BodyInit | undefined });
    const text = await res.text();
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const body = /json/.test(contentType) && text ? (JSON.parse(text) as T) : (text as T);
    const pathOnly = apiPath.split('?')[0]!;
    const m = method.toLowerCase();
    // The most specific template that has this method: GET /connections/test is /connections/{connection_id}.
    const template = this.templates.find((t) => t.pattern.test(pathOnly) && this.doc.paths[t.template]?.[m])?.template ?? null;
    const operation = template && this.doc.paths[template]?.[m] ? `${m} ${template}` : null;
    if (operation) {
      const statuses = this.seen.get(operation) ?? new Set<number>();
      statuses.add(res.status);
      this.seen.set(operation, statuses);
      const schema = this.schemaFor(template!, m, res.status, contentType);
      if (res.status !== 204) {
        if (!schema) throw new Error(`${method} ${apiPath}: ${res.status} answered ${contentType}, which the document does not declare`);
      }
      // Files (text/csv, octet streams) and text/plain logs are only checked for being declared.
      if (schema && /json/.test(contentType)) {
        const check = this.validate(schema, body);
        if (!check.success) {
          throw new Error(`${method} ${apiPath} → ${res.status} does not match the OpenAPI document:\n${z.prettifyError(check.error)}\n${text.slice(0, 2000)}`);
        }
      }
    }
    return { status: res.status, contentType, body, text, operation };
  }

  get<T = Json>(p: string, opts?: RequestOptions) {
    return this.request<T>('GET', p, opts);
  }
  post<T = Json>(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>('POST', p, { ...opts, body });
  }
  patch<T = Json>(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>('PATCH', p, { ...opts, body });
  }
  delete<T = Json>(p: string) {
    return this.request<T>('DELETE', p);
  }
}
