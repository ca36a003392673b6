// Checks a run's `conf` against the DAG's params without importing DAG code: the params' zod schema was
// stored as JSON Schema when the DAG was parsed and is rebuilt here. The task's own process validates
// once more with the author's schema (defaults, transforms) before the task runs.
import { z } from 'zod';
import type { SerializedDag } from './dag-model';
import { InvalidInputError } from '../kernel/errors';

const cache = new WeakMap<object, z.ZodType>();

export function validateConf(dag: SerializedDag, conf: unknown): Record<string, unknown> {
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
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: ['conf', ...i.path.map(String)].join('.'), message: i.message }));
    throw new InvalidInputError(
      `conf does not match the params of DAG '${dag.dag_id}': ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return conf as Record<string, unknown>;
}
