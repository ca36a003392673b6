// The operators the plugin files of a process define, by name, and the connection types they define. Plugin files are
// found like DAG files and imported one at a time; a file that throws, or defines an operator name or a connection
// type already taken, is that file's problem and nothing else's (none of its definitions count).
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import type { ConnectionTypeSpec } from '../connections/connection-types';
import { describeImportFailure } from '../dag-processing/describe-import-failure';
import { connectionTypeNames, connectionTypeSpecOf, isPluginConnectionType } from './define-connection-type';
import { isPluginOperator, operatorDefinition, type OperatorDefinition } from './define-operator';

type Definition = OperatorDefinition<z.ZodType<Record<string, unknown>>, unknown>;

export class PluginOperators {
  private readonly byName = new Map<string, { file: string; definition: Definition }>();
  /** A connection type's name and each alias → the type and the file that defines it. */
  private readonly typesByName = new Map<string, { file: string; spec: ConnectionTypeSpec }>();
  /** Plugin file → why it defines nothing. */
  readonly failed = new Map<string, string>();

  constructor(
    /** Names of the built-in operators, which a plugin may not take over. */
    private readonly builtins: readonly string[],
    /** Applied to every failure message (secrets out of import errors). */
    private readonly mask: (text: string) => string = (t) => t,
  ) {}

  /** Imports one plugin file and adds its operators; returns its problems (empty when it is fine). */
  async add(file: string): Promise<string[]> {
    let exports: Record<string, unknown>;
    try {
      exports = await importFresh(file);
    } catch (err) {
      return this.fail(file, [describeImportFailure(err)]);
    }
    const found = [...new Set(Object.values(exports).filter(isPluginOperator))].map(operatorDefinition);
    const types = [...new Set(Object.values(exports).filter(isPluginConnectionType))].map(connectionTypeSpecOf);
    const problems = [...found.flatMap((d) => this.clash(d.name)), ...this.typeClashes(types)];
    if (problems.length > 0) return this.fail(file, problems);
    for (const definition of found) this.byName.set(definition.name, { file, definition });
    for (const spec of types) for (const name of connectionTypeNames(spec)) this.typesByName.set(name, { file, spec });
    return [];
  }

  /** The connection types of the files loaded so far, each with the file that defines it. */
  connectionTypes(file?: string): Array<{ file: string; spec: ConnectionTypeSpec }> {
    const all = [...this.typesByName].filter(([name, t]) => name === t.spec.conn_type).map(([, t]) => t);
    return file === undefined ? all : all.filter((t) => t.file === file);
  }

  get(name: string): { file: string; definition: Definition } | null {
    return this.byName.get(name) ?? null;
  }

  /** Why `name` is not there, for a task that uses it. */
  explainMissing(name: string, folders: readonly string[]): string {
    const broken = [...this.failed].map(([file, message]) => `${file} (${message.split('\n')[0]})`);
    return (
      `operator '${name}' is neither built in (${this.builtins.join(', ')}) nor defined by a plugin (plugin folders: ${folders.join(', ') || 'none'})` +
      (broken.length > 0 ? `; these plugin files failed to import: ${broken.join('; ')}` : '')
    );
  }

  private clash(name: string): string[] {
    if (this.builtins.includes(name)) return [`operator '${name}' is a built-in operator; give the plugin's operator another name`];
    const taken = this.byName.get(name);
    return taken ? [`operator '${name}' is already defined by plugin ${taken.file}`] : [];
  }

  /** Built-in names are refused by defineConnectionType itself; here, names another plugin file (or this one) took. */
  private typeClashes(types: readonly ConnectionTypeSpec[]): string[] {
    const mine = new Set<string>();
    const problems: string[] = [];
    for (const spec of types) {
      for (const name of connectionTypeNames(spec)) {
        const taken = this.typesByName.get(name);
        if (taken) problems.push(`connection type '${name}' is already defined by plugin ${taken.file}`);
        else if (mine.has(name)) problems.push(`connection type '${name}' is defined twice in this file`);
        mine.add(name);
      }
    }
    return problems;
  }

  private fail(file: string, problems: string[]): string[] {
    const masked = problems.map(this.mask);
    this.failed.set(file, masked.join('\n'));
    return masked;
  }
}

/** `?v=<mtime>`: an edited plugin is imported anew by a long-lived runner, an unchanged one comes from the cache. */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  const { mtimeMs } = await stat(file);
  const url = `${pathToFileURL(file).href}?v=${Math.trunc(mtimeMs)}`;
  return (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url)) as Record<string, unknown>;
}
