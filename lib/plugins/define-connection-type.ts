// `defineConnectionType(spec)`: a plugin's connection type (Airflow's provider "connection-types"), so the
// connections form and `flashflow connections types` know its fields. The server never imports the plugin: the DAG
// parser returns the exported spec as data and the DAG processor stores it (ADR 0025).
import { formatZodIssues } from '../kernel/zod-issues';
import { connectionType, connectionTypeSpecSchema, type ConnectionTypeSpec } from '../connections/connection-types';

const PLUGIN_CONNECTION_TYPE = Symbol.for('flashflow.pluginConnectionType');

/** What a plugin file exports: the checked spec, marked so the plugin loader finds it among the file's exports. */
export type PluginConnectionType = Readonly<ConnectionTypeSpec> & { readonly [PLUGIN_CONNECTION_TYPE]: true };

/**
 * Checks the spec where the plugin is imported, so a mistake is that plugin file's import error: the shape, and that
 * neither its name nor an alias is (or is an alias of) a built-in type.
 */
export function defineConnectionType(spec: ConnectionTypeSpec): PluginConnectionType {
  const parsed = connectionTypeSpecSchema.safeParse(spec);
  const name = typeof (spec as { conn_type?: unknown } | null)?.conn_type === 'string' ? `'${spec.conn_type}'` : 'spec';
  if (!parsed.success) throw new Error(`defineConnectionType(${name}): invalid spec: ${formatZodIssues(parsed.error)}`);
  const checked = parsed.data;
  const names = connectionTypeNames(checked);
  for (const n of names) {
    const builtin = connectionType(n);
    if (builtin) {
      const what = builtin.conn_type === n ? 'a built-in connection type' : `an alias of the built-in connection type '${builtin.conn_type}'`;
      throw new Error(`defineConnectionType(${name}): '${n}' is ${what}; give the plugin's type another name`);
    }
  }
  if (new Set(names).size !== names.length) {
    throw new Error(`defineConnectionType(${name}): an alias repeats the type's name or another alias`);
  }
  return Object.freeze({ ...checked, [PLUGIN_CONNECTION_TYPE]: true as const });
}

export function isPluginConnectionType(value: unknown): value is PluginConnectionType {
  return typeof value === 'object' && value !== null && PLUGIN_CONNECTION_TYPE in value;
}

/** The spec as plain data (without the mark), as it crosses to the DAG processor and into the table. */
export function connectionTypeSpecOf(value: PluginConnectionType): ConnectionTypeSpec {
  return connectionTypeSpecSchema.parse(value);
}

/** The names a type answers to: its own and its aliases. */
export function connectionTypeNames(spec: ConnectionTypeSpec): string[] {
  return [spec.conn_type, ...(spec.aliases ?? [])];
}
