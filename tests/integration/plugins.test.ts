// Plugins end to end (ADR 0025): a plugin folder holding the sample plugin (an operator on a hook that reads its own
// connection, of a connection type it defines), a plugin that throws at import, three whose connection types are
// refused and one that records who loads it; a real runtime parses the DAGs in its child and runs them in runner
// processes.
import { copyFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionType, connectionTypes } from '../../lib/connections/connection-types';
import { listPluginConnectionTypes } from '../../lib/store/plugin-connection-types';
import { makeHome, removeTempDirs, runCli } from '../support/cli-harness';
import { startTestRuntime, taskError, trigger, waitForRun } from '../support/runtime-harness';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const SECRET = 'sk-shout-9f8e7d6c5b';

describe('plugins', () => {
  let rt: Awaited<ReturnType<typeof startTestRuntime>>;
  let plugins: string;
  let witness: string;

  beforeAll(async () => {
    plugins = await mkdtemp(path.join(os.tmpdir(), 'ff-plugins-'));
    witness = path.join(plugins, '..', `${path.basename(plugins)}.witness`);
    // Outside the project, as $FLASHFLOW_HOME/plugins is: the folder says its .ts files are modules.
    await writeFile(path.join(plugins, 'package.json'), '{ "type": "module" }\n');
    for (const f of ['greeting.ts', 'broken.ts', 'load-witness.ts', 'bad-connection-type.ts', 'pg-again.ts', 'salutations.ts']) await copyFile(fixture(`plugins-sample/${f}`), path.join(plugins, f));
    // The DAG parser inherits this process's environment, runners the one the config hands them.
    const env = { SHOUT_API_KEY: SECRET, PLUGIN_WITNESS_FILE: witness };
    Object.assign(process.env, env);
    rt = await startTestRuntime(fixture('dags-plugins'), {
      ...env,
      FLASHFLOW_PLUGINS_FOLDER: plugins,
      FLASHFLOW_CONN_GREETING_DEFAULT: JSON.stringify({ conn_type: 'greeting', extra: { salutation: 'Bonjour' } }),
    });
  }, 60_000);

  afterAll(async () => {
    await rt?.stop();
    delete process.env.SHOUT_API_KEY;
    delete process.env.PLUGIN_WITNESS_FILE;
    await rm(plugins, { recursive: true, force: true });
    await rm(witness, { force: true });
    await removeTempDirs();
  });

  const importErrors = async () =>
    Object.fromEntries(
      (await rt.db.sql.query<{ filename: string; stacktrace: string }>(`SELECT filename, stacktrace FROM import_error`)).map((r) => [path.basename(r.filename), r.stacktrace]),
    );

  it('shows a plugin that throws at import as an import error without its secret, and a DAG using it as one naming the plugin', async () => {
    const errors = await importErrors();
    expect(Object.keys(errors).sort()).toEqual(['bad-connection-type.ts', 'bad_plugin_args.ts', 'broken.ts', 'pg-again.ts', 'salutations.ts', 'uses_broken_plugin.ts']);
    expect(errors['broken.ts']).toContain('cannot reach the shouting service with key ***');
    expect(JSON.stringify(errors)).not.toContain(SECRET);
    expect(errors['uses_broken_plugin.ts']).toMatch(/operator 'shout' is neither built in \(bash, .*\) nor defined by a plugin .*broken\.ts \(Error: cannot reach/);
    expect(errors['bad_plugin_args.ts']).toContain('bad_plugin_args.hello: greet(): invalid arguments: name:');
  });

  it('shows a connection type with a bad spec, one taking a built-in alias and one defined twice as import errors of their files', async () => {
    const errors = await importErrors();
    expect(errors['bad-connection-type.ts']).toMatch(/^Error: defineConnectionType\('Weather Station'\): invalid spec: conn_type: must be lower case .*; label: /);
    expect(errors['pg-again.ts']).toContain("defineConnectionType('pg'): 'postgresql' is an alias of the built-in connection type 'postgres'");
    expect(errors['salutations.ts']).toMatch(/^connection type 'greeting' is already defined by plugin .*ff-plugins-.*[/\\]greeting\.ts$/);
  });

  it("stores a plugin's connection type after a parse pass, which the connections form and `connections types` then know", async () => {
    const rows = await rt.db.sql.query<{ conn_type: string; plugin_file: string }>(`SELECT conn_type, plugin_file FROM plugin_connection_type`);
    expect(rows).toEqual([{ conn_type: 'greeting', plugin_file: path.join(plugins, 'greeting.ts') }]);
    // What the connections page hands its form: the stored types, merged with the built-in ones there.
    const stored = await listPluginConnectionTypes(rt.db.sql);
    expect(connectionType('greeting', stored)).toMatchObject({ label: 'Greeting service', extra: [{ key: 'salutation' }] });
    expect(connectionType('postgresql', stored)?.conn_type).toBe('postgres');
    expect(connectionTypes(stored).at(-1)?.conn_type).toBe('greeting');

    // The CLI with no server: it parses in a child, stores, and prints the table's types beside the built-in ones.
    const cli = await runCli(['connections', 'types', '-o', 'json'], { home: await makeHome(), dagsFolder: fixture('dags-plugins'), env: { FLASHFLOW_PLUGINS_FOLDER: plugins }, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const listed = JSON.parse(cli.stdout) as Array<{ conn_type: string; fields: Record<string, unknown> }>;
    expect(listed.map((t) => t.conn_type)).toEqual([...connectionTypes().map((t) => t.conn_type), 'greeting']);
    expect(listed.at(-1)?.fields).toEqual({ host: { label: 'Greeting service URL', placeholder: 'https://greet.example.com' } });
  }, 60_000);

  it('runs a DAG that uses a plugin operator by name and through its imported factory, whose hook reads its connection', async () => {
    const runId = await trigger(rt, 'plugin_greeting');
    expect(await waitForRun(rt, 'plugin_greeting', runId)).toBe('success');
    const xcoms = await rt.db.sql.query<{ task_id: string; value: unknown }>(`SELECT task_id, value FROM xcom WHERE dag_id = 'plugin_greeting' AND run_id = $1 ORDER BY task_id`, [runId]);
    expect(xcoms).toEqual([
      { task_id: 'hello', value: 'Bonjour, Ada!' },
      { task_id: 'hello_typed', value: 'Bonjour, Grace!' },
      { task_id: 'shout_back', value: 'BONJOUR, ADA!' },
      { task_id: 'whisper_back', value: 'bonjour, grace!' },
    ]);
  });

  it('keeps DAGs that use no plugin running', async () => {
    const runId = await trigger(rt, 'plugin_free');
    expect(await waitForRun(rt, 'plugin_free', runId)).toBe('success');
  });

  it('loads plugins only in the DAG parser and the runners, never in the server process', async () => {
    const pids = (await readFile(witness, 'utf8')).trim().split('\n').map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids).not.toContain(process.pid);
  });

  it('fails the task, without retrying, when the plugin of its operator is gone from the runner', async () => {
    await unlink(path.join(plugins, 'greeting.ts'));
    const runId = await trigger(rt, 'plugin_greeting');
    expect(await waitForRun(rt, 'plugin_greeting', runId)).toBe('failed');
    expect(await taskError(rt, 'plugin_greeting', runId, 'hello')).toMatch(/operator 'greet' is neither built in \(.*\) nor defined by a plugin \(plugin folders: .*ff-plugins-/);
  });

  it("replaces the stored types at the next parse pass: a removed plugin's type goes, one no longer clashing comes", async () => {
    // greeting.ts was removed by the test before, so salutations.ts's `greeting` no longer clashes.
    await rt.processor.processOnce();
    const rows = await rt.db.sql.query<{ conn_type: string; plugin_file: string }>(`SELECT conn_type, plugin_file FROM plugin_connection_type`);
    expect(rows).toEqual([{ conn_type: 'greeting', plugin_file: path.join(plugins, 'salutations.ts') }]);
    expect((await listPluginConnectionTypes(rt.db.sql))[0]?.label).toBe('Salutations');
    await unlink(path.join(plugins, 'salutations.ts'));
    await rt.processor.processOnce();
    expect(await listPluginConnectionTypes(rt.db.sql)).toEqual([]);
  });
});
