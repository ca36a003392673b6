// Flashflow's /api/v1 against Airflow's stable REST API v1 (the subset in fixtures/airflow-v1-subset.json,
// extracted from upstream commit f4c4519f, Apache-2.0): same paths and operationIds, query parameters Airflow
// knows, request fields Airflow accepts, and response schemas with the same field names, compatible types and the
// same state enums. Compares the OpenAPI document the handlers are built from, in process.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/api/openapi';

type Json = Record<string, unknown>;

interface AirflowProp {
  ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: Array<string | null>;
  items?: AirflowProp;
  properties?: Record<string, AirflowProp>;
  required?: string[];
}

interface AirflowOp {
  operationId: string;
  query: string[];
  path: string[];
  requestBody?: string;
  responses: Record<string, string | AirflowProp | null>;
}

const airflow = JSON.parse(readFileSync(new URL('./fixtures/airflow-v1-subset.json', import.meta.url), 'utf8')) as {
  upstream: { commit: string };
  schemas: Record<string, AirflowProp>;
  paths: Record<string, Record<string, AirflowOp>>;
};
const doc = openApiDocument();
const ours = doc.components.schemas as Record<string, Json>;

/** Enums that must match Airflow's exactly (state names verbatim); any other enum may be a subset. */
const EXACT_ENUMS = new Set(['TaskState', 'DagState', 'HealthStatus']);

/** Airflow operations in the fixture that Flashflow does not offer (yet); remove an entry when it lands. */
const NOT_IMPLEMENTED = [
  'delete /dags/{dag_id}',
  'patch /dags',
  'patch /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}',
  'patch /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}',
];

/** Differences accepted on purpose, each with its reason. */
const ACCEPTED_DIFFERENCES: Record<string, string> = {
  // The password is write-only: no answer carries it (Airflow declares it in Connection and never fills it either).
  "get_connection 200: lacks Airflow's fields password": 'password is write-only',
  "post_connection 200: lacks Airflow's fields password": 'password is write-only',
  "patch_connection 200: lacks Airflow's fields password": 'password is write-only',
  // No dataset table: an asset is known by its URI (lib/store/api-assets.ts), so it has no integer id to give.
  "get_datasets 200.datasets[]: lacks Airflow's fields id": 'assets are identified by URI',
  "get_dataset_events 200.dataset_events[]: lacks Airflow's fields dataset_id": 'assets are identified by URI',
  "get_upstream_dataset_events 200.dataset_events[]: lacks Airflow's fields dataset_id": 'assets are identified by URI',
};

interface Shape {
  name?: string;
  type?: string;
  nullable: boolean;
  enum?: Array<string | null>;
  items?: Shape;
  properties?: Record<string, Shape>;
}

/** Our JSON Schema node, with $ref and `allOf: [$ref]` (how a nullable reference is written) resolved. */
function ourShape(node: Json): Shape {
  const nullable = node.nullable === true;
  const ref = (node.$ref ?? (node.allOf as Json[] | undefined)?.[0]?.$ref) as string | undefined;
  if (ref) {
    const name = ref.split('/').pop()!;
    return { ...ourShape(ours[name]!), name, nullable: nullable || ours[name]!.nullable === true };
  }
  return {
    type: node.type as string | undefined,
    nullable,
    enum: node.enum as Array<string | null> | undefined,
    items: node.items ? ourShape(node.items as Json) : undefined,
    properties: node.properties
      ? Object.fromEntries(Object.entries(node.properties as Record<string, Json>).map(([k, v]) => [k, ourShape(v)]))
      : undefined,
  };
}

function airflowShape(p: AirflowProp): Shape | null {
  if (p.ref) {
    const target = airflow.schemas[p.ref];
    if (!target) return null; // A schema outside the subset (e.g. ScheduleInterval's anyOf): not compared.
    return { ...airflowShape(target)!, name: p.ref, nullable: p.nullable === true || target.nullable === true };
  }
  return {
    type: p.type ?? (p.properties ? 'object' : undefined),
    nullable: p.nullable === true,
    enum: p.enum,
    items: p.items ? (airflowShape(p.items) ?? undefined) : undefined,
    properties: p.properties
      ? Object.fromEntries(Object.entries(p.properties).flatMap(([k, v]) => {
          const s = airflowShape(v);
          return s ? [[k, s]] : [[k, { nullable: true } as Shape]];
        }))
      : undefined,
  };
}

function compatibleType(o: string | undefined, a: string | undefined): boolean {
  if (!o || !a) return true;
  return o === a || (o === 'integer' && a === 'number');
}

/**
 * Differences between our shape and Airflow's at `at`. `fields`: 'same' for what the server writes (responses),
 * 'subset' for what a client sends (request bodies).
 */
function compare(o: Shape, a: Shape, at: string, fields: 'same' | 'subset', out: string[]): void {
  if (!compatibleType(o.type, a.type)) out.push(`${at}: type ${o.type} where Airflow has ${a.type}`);
  if (a.enum && o.enum) {
    const theirs = new Set(a.enum.filter((v) => v !== null));
    const mine = new Set(o.enum.filter((v) => v !== null));
    const exact = EXACT_ENUMS.has(a.name ?? '') || EXACT_ENUMS.has(o.name ?? '');
    const extra = [...mine].filter((v) => !theirs.has(v as string));
    const missing = [...theirs].filter((v) => !mine.has(v));
    if (extra.length) out.push(`${at}: enum values Airflow does not have: ${extra.join(', ')}`);
    if (exact && missing.length) out.push(`${at}: state enum lacks Airflow's ${missing.join(', ')}`);
    if (exact && a.enum.includes(null) !== o.enum.includes(null)) out.push(`${at}: nullability of the state differs from Airflow's`);
  }
  if (o.items && a.items) compare(o.items, a.items, `${at}[]`, fields, out);
  // An object we declare without fields is one we always write as null (sla_miss, trigger, sub_dag's DAG is compared).
  if (o.properties && a.properties && Object.keys(o.properties).length > 0) {
    const mine = Object.keys(o.properties);
    const theirs = Object.keys(a.properties);
    const extra = mine.filter((k) => !theirs.includes(k));
    const missing = theirs.filter((k) => !mine.includes(k));
    if (extra.length) out.push(`${at}: fields Airflow does not have: ${extra.join(', ')}`);
    if (fields === 'same' && missing.length) out.push(`${at}: lacks Airflow's fields ${missing.join(', ')}`);
    for (const k of mine.filter((m) => theirs.includes(m))) compare(o.properties[k]!, a.properties[k]!, `${at}.${k}`, fields, out);
  }
}

/**
 * Flashflow's own resources beside Airflow's (DESIGN.md §5), and its own sub-resources of Airflow's (a task
 * instance's artifacts and alerts): not in Airflow's API, so not compared with it.
 */
const FLASHFLOW_OWN = /^\/(decks|cards|llm)(\/|$)|\/taskInstances\/\{task_id\}\/(artifacts|notifications)(\/|$)/;
const operations = Object.entries(doc.paths)
  .filter(([path]) => !FLASHFLOW_OWN.test(path))
  .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('Flashflow /api/v1 matches the Airflow REST API v1 spec', () => {
  it(`uses the fixture extracted from upstream commit ${airflow.upstream.commit.slice(0, 8)}`, () => {
    expect(airflow.upstream.commit).toBe('f4c4519f89fcfacf9ef3494f820e4138a2ec3d05');
  });

  it('offers only Airflow paths, with Airflow operationIds and path parameters', () => {
    for (const { path, method, op } of operations) {
      const theirs = airflow.paths[path]?.[method];
      expect(theirs, `${method.toUpperCase()} ${path} is not in Airflow's API`).toBeDefined();
      expect(op.operationId).toBe(theirs!.operationId);
      const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort();
      expect(pathParams, `${op.operationId} path parameters`).toEqual(theirs!.path);
    }
  });

  it('leaves out only the listed Airflow operations on those paths', () => {
    const offered = new Set(operations.map(({ path, method }) => `${method} ${path}`));
    const absent = Object.entries(airflow.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m} ${path}`).filter((k) => !offered.has(k)),
    );
    expect(absent.sort()).toEqual([...NOT_IMPLEMENTED].sort());
  });

  it('accepts only query parameters Airflow defines for the operation', () => {
    for (const { path, method, op } of operations) {
      const allowed = airflow.paths[path]![method]!.query;
      const extra = op.parameters.filter((p) => p.in === 'query' && !allowed.includes(p.name)).map((p) => p.name);
      expect(extra, `${op.operationId} query parameters Airflow does not have`).toEqual([]);
    }
  });

  it('accepts request fields Airflow accepts, with compatible types and enums', () => {
    const problems: string[] = [];
    for (const { path, method, op } of operations) {
      const body = op.requestBody?.content['application/json']?.schema;
      if (!body) continue;
      const theirs = airflow.paths[path]![method]!.requestBody;
      expect(theirs, `${op.operationId} takes a body in Airflow`).toBeDefined();
      compare(ourShape(body), airflowShape({ ref: theirs })!, `${op.operationId} body`, 'subset', problems);
    }
    expect(problems).toEqual([]);
  });

  it('answers with Airflow response schemas: same field names, compatible types, same state enums', () => {
    const problems: string[] = [];
    for (const { path, method, op } of operations) {
      const theirs = airflow.paths[path]![method]!.responses;
      const [status, response] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      expect(Object.keys(theirs), `${op.operationId} success status`).toContain(status);
      const ourSchema = response.content?.['application/json']?.schema;
      const airflowSchema = theirs[status];
      if (!ourSchema || !airflowSchema) {
        expect(ourSchema ?? null, `${op.operationId} body`).toBe(airflowSchema ?? null);
        continue;
      }
      const a = typeof airflowSchema === 'string' ? airflowShape({ ref: airflowSchema }) : airflowShape(airflowSchema);
      compare(ourShape(ourSchema), a!, `${op.operationId} ${status}`, 'same', problems);
    }
    expect(problems.filter((p) => !(p in ACCEPTED_DIFFERENCES))).toEqual([]);
  });

  it('answers errors as Airflow problem objects (type, title, status, detail)', () => {
    const error = ourShape({ $ref: '#/components/schemas/Error' });
    const theirs = airflow.schemas.Error!;
    expect(Object.keys(error.properties!)).toEqual(expect.arrayContaining(Object.keys(theirs.properties!)));
    expect(ours.Error!.required).toEqual(expect.arrayContaining(theirs.required!));
  });

  it('uses exactly Airflow state names for task instances and DAG runs', () => {
    const ti = airflow.schemas.TaskState!.enum!.filter((v) => v !== null);
    expect(ours.TaskState!.enum).toContain(null);
    expect((ours.TaskState!.enum as Array<string | null>).filter((v) => v !== null).sort()).toEqual([...ti].sort() as string[]);
    expect(ours.DagState!.enum).toEqual(airflow.schemas.DagState!.enum);
  });
});
