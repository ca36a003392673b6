// Checks a run's `conf` against the DAG's params without importing DAG code: the params' zod schema was
// stored as JSON Schema when the DAG was parsed and is rebuilt here. Rules JSON Schema cannot carry (a
// vocabulary's limits, the models an Op allows) travel as a param's `format` and are checked by the caller's
// format checks. The task's own process validates once more with the author's schema (defaults, transforms)
// before the task runs.
import { z } from 'zod';
import type { SerializedDag } from './dag-model';
import { InvalidInputError } from '../kernel/errors';

/** What is wrong with a param's value (each message says which limit it breaks), or nothing. */
export type ParamFormatCheck = (value: unknown) => readonly string[];
/** Checks by the `format` a param declares; a format nobody checks is only an annotation. */
export type ParamFormatChecks = Readonly<Record<string, ParamFormatCheck>>;

const cache = new WeakMap<object, z.ZodType>();

/** The top-level params that declare a format: param name → format. */
export function paramFormats(dag: SerializedDag): Map<string, string> {
  const props = (dag.params_schema?.properties ?? {}) as Record<string, { format?: unknown }>;
  return new Map(Object.entries(props).flatMap(([name, p]) => (typeof p?.format === 'string' ? [[name, p.format] as const] : [])));
}

export function validateConf(dag: SerializedDag, conf: unknown, formats: ParamFormatChecks = {}): Record<string, unknown> {
  if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) {
    throw new InvalidInputError('conf must be a JSON object', [{ path: 'conf', message: 'expected an object' }]);
  }
  if (!dag.params_schema) return conf as Record<string, unknown>;
  let schema = cache.get(dag.params_schema);
  if (!schema) {
    schema = z.fromJSONSchema(dag.params_schema as Parameters<typeof z.fromJSONSchema>[0]);
    cache.set(dag.params_schema, schema);
  }
  const parsed = schema.safeParse(conf);
  const fields = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: ['conf', ...i.path.map(String)].join('.'), message: i.message }));
  const values = conf as Record<string, unknown>;
  for (const [name, format] of paramFormats(dag)) {
    const check = formats[format];
    if (!check || values[name] === undefined || fields.some((f) => f.path === `conf.${name}`)) continue;
    for (const message of check(values[name])) fields.push({ path: `conf.${name}`, message });
  }
  if (fields.length > 0) {
    throw new InvalidInputError(
      `conf does not match the params of DAG '${dag.dag_id}': ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return values;
}
