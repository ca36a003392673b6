// The OpenAPI 3.0 document of /api/v1, generated from the endpoint contracts: the same zod objects the handlers
// parse requests with and type their responses by. Request schemas are rendered as the client writes them (zod's
// input side: defaults make fields optional), response schemas as the server writes them.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { artifactEndpoints } from './contracts/artifacts';
import { Problem } from './contracts/common';
import { connectionEndpoints } from './contracts/connections';
import { dagEndpoints } from './contracts/dags';
import { dagRunEndpoints } from './contracts/dag-runs';
import { datasetEndpoints } from './contracts/datasets';
import { flashcardEndpoints } from './contracts/flashcards';
import { llmEndpoints } from './contracts/llm';
import { monitoringEndpoints } from './contracts/monitoring';
import { notificationEndpoints } from './contracts/notifications';
import { poolEndpoints } from './contracts/pools';
import { taskInstanceEndpoints } from './contracts/task-instances';
import { variableEndpoints } from './contracts/variables';
import { xcomEndpoints } from './contracts/xcoms';
import { PROBLEM_TYPES, type ProblemStatus } from './problem';
import { requirementFor } from '../ops/auth/required-role';
import type { Role } from '../ops/auth/roles';

export const ENDPOINTS: readonly Endpoint[] = [
  ...dagEndpoints,
  ...dagRunEndpoints,
  ...taskInstanceEndpoints,
  ...xcomEndpoints,
  ...artifactEndpoints,
  ...notificationEndpoints,
  ...datasetEndpoints,
  ...poolEndpoints,
  ...connectionEndpoints,
  ...variableEndpoints,
  ...monitoringEndpoints,
  ...flashcardEndpoints,
  ...llmEndpoints,
];

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  security: Array<Record<string, string[]>>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema; description?: string; style?: string; explode?: boolean }>;
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Array<Record<string, string[]>>;
  'x-flashflow-role'?: Role;
}

/** Basic (Airflow's API auth), API tokens, or the UI's session cookie (which also needs X-CSRF-Token to change things). */
const SECURITY_SCHEMES = {
  Basic: { type: 'http', scheme: 'basic' },
  Bearer: { type: 'http', scheme: 'bearer', description: 'An API token (ff_…) created on the account page or with `flashflow tokens create`.' },
  Session: { type: 'apiKey', in: 'cookie', name: 'flashflow_session' },
};
const AUTHENTICATED: Array<Record<string, string[]>> = [{ Basic: [] }, { Bearer: [] }, { Session: [] }];

const COMPONENT_REF = '#/components/schemas/';
const ALWAYS_POSSIBLE: ProblemStatus[] = [500, 503];

let cached: OpenApiDocument | null = null;

export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument(ENDPOINTS));
}

export function buildOpenApiDocument(endpoints: readonly Endpoint[]): OpenApiDocument {
  const components = new Components();
  const paths: OpenApiDocument['paths'] = {};
  for (const e of endpoints) {
    const method = e.method.toLowerCase();
    const item = (paths[e.path] ??= {});
    if (item[method]) throw new Error(`two contracts for ${e.method} ${e.path}`);
    item[method] = operation(e, components);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Flashflow REST API',
      version: '1',
      description:
        "Airflow's stable REST API v1 (paths, snake_case fields, state names, limit/offset paging with total_entries, " +
        'problem+json errors), served by Flashflow. Generated from the zod schemas the handlers use.',
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: { schemas: components.sorted(), securitySchemes: SECURITY_SCHEMES },
    security: AUTHENTICATED,
  };
}

function operation(e: Endpoint, components: Components): OpenApiOperation {
  const op: OpenApiOperation = {
    operationId: e.operationId,
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    tags: [e.tag],
    parameters: [...parameters(e.params, 'path', components), ...parameters(e.query, 'query', components)],
    responses: {},
  };
  if (e.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: components.schema(e.body, 'input') } } };
  }
  if (e.response === null) {
    op.responses['204'] = { description: 'Success.' };
  } else if (e.responseContentTypes) {
    const schema = components.schema(e.response, 'output');
    const content = Object.fromEntries(e.responseContentTypes.map((type) => [type, { schema }]));
    op.responses['200'] = { description: `A file: ${e.responseContentTypes.join(' or ')}.`, content };
  } else {
    const content: Record<string, { schema: JsonSchema }> = { 'application/json': { schema: components.schema(e.response, 'output') } };
    if (e.textPlain) content['text/plain'] = { schema: { type: 'string' } };
    op.responses['200'] = { description: 'Success.', content };
  }
  const error = components.schema(Problem, 'output');
  const requirement = requirementFor(e.method, `/api/v1${e.path}`);
  const authErrors: ProblemStatus[] = requirement.kind === 'public' ? [] : [401, 403, 429];
  if (requirement.kind === 'public') op.security = [];
  else op['x-flashflow-role'] = requirement.role;
  // Any path or query may hold a control character (400, the gate); any body may not be JSON (415, api-route).
  const gateErrors: ProblemStatus[] = [...(e.params || e.query ? [400 as const] : []), ...(e.body ? [415 as const] : [])];
  for (const status of new Set([...e.errors, ...authErrors, ...gateErrors, ...ALWAYS_POSSIBLE])) {
    op.responses[String(status)] = { description: PROBLEM_TYPES[status].title, content: { 'application/problem+json': { schema: error } } };
  }
  return op;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query', components: Components): OpenApiOperation['parameters'] {
  if (!schema) return [];
  const json = components.schema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, explode, ...rest } = prop as JsonSchema & { description?: string; explode?: boolean };
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
      ...(explode === false ? { style: 'form', explode: false } : {}),
    };
  });
}

/** Named schemas, collected as the operations reference them; the same name must always mean the same schema. */
class Components {
  private readonly byId = new Map<string, { json: JsonSchema; io: 'input' | 'output' }>();

  /** `schema` rendered for `io`; named schemas inside it become components and are referenced. */
  schema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema & {
      definitions?: Record<string, JsonSchema>;
    };
    const { definitions = {}, ...root } = json;
    for (const [id, def] of Object.entries(definitions)) this.add(id, rewriteRefs(def) as JsonSchema, io);
    return rewriteRefs(root) as JsonSchema;
  }

  sorted(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.byId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, c]) => [id, c.json]));
  }

  private add(id: string, json: JsonSchema, io: 'input' | 'output'): void {
    const known = this.byId.get(id);
    if (!known) {
      this.byId.set(id, { json, io });
      return;
    }
    if (JSON.stringify(known.json) !== JSON.stringify(json)) {
      throw new Error(
        `schema '${id}' renders differently as ${known.io} and as ${io} (a default or transform inside it?); ` +
          'give the request and the response side different names',
      );
    }
  }
}

/**
 * zod's `#/definitions/` references point at components, and a nullable enum lists null among its values, as
 * OpenAPI 3.0.3 asks (and Airflow's TaskState does).
 */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', COMPONENT_REF) : rewriteRefs(v);
  }
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
