// The `flashflow` command outside the dags group: usage errors, `info`, `db migrate`, `tasks test`, and two
// commands at once on one home, against a temp FLASHFLOW_HOME. Most commands run in this process; a usage error, a
// task run and the two commands at once run as processes of their own, as a user's do.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../lib/store/open-pglite';
import { fixturePath, makeHome, makeTempDir, REPO_ROOT, removeTempDirs, runCli, runCliInProcess } from '../support/cli-harness';

const dagsFolder = fixturePath('dags-cli');

afterAll(removeTempDirs);

describe('flashflow usage errors', () => {
  it('rejects an unknown command with a non-zero exit and a usage hint', async () => {
    const home = await makeHome({ seeded: false });
    const r = await runCli(['frobnicate'], { home, dagsFolder });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(r.stderr).toMatch(/--help/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a missing argument with a non-zero exit and a usage hint', async () => {
    const home = await makeHome({ seeded: false });
    const r = await runCliInProcess(['dags', 'trigger'], { home, dagsFolder });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/missing required argument 'dag_id'/);
    expect(r.stderr).toMatch(/--help/);
  });

  it('reports a bad environment variable in one line', async () => {
    const home = await makeHome({ seeded: false });
    const r = await runCliInProcess(['info'], { home, dagsFolder, env: { PORT: 'eighty' } });
    expect(r.code).not.toBe(0);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^flashflow: invalid configuration: PORT: /);
  });
});

describe('flashflow info', () => {
  it('prints JSON with the home, the DAG and plugin folders and the database, without touching the home', async () => {
    const home = await makeHome({ seeded: false });
    const r = await runCliInProcess(['info'], { home, dagsFolder });
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      home,
      dags_folder: dagsFolder,
      plugins_folders: [path.join(home, 'plugins'), expect.stringMatching(/[/\\]plugins$/)],
      database: `pglite at ${path.join(home, 'db')}`,
      executor: { kind: 'local', processes: 1 },
      llm: { api_key: null, model: null },
    });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.version);
    expect(readdirSync(path.dirname(home))).not.toContain('home');
  });
});

describe('flashflow db migrate', () => {
  it('creates the database on a fresh home, and a second run changes nothing', async () => {
    const home = await makeHome({ seeded: false });
    const first = await runCliInProcess(['db', 'migrate'], { home, dagsFolder, timeoutMs: 30_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('database is up to date');
    const second = await runCliInProcess(['db', 'migrate'], { home, dagsFolder });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe('database is up to date');

    const db = await openPglite({ dataDir: path.join(home, 'db') });
    try {
      const rows = await db.sql.query<{ migration_name: string; applied_steps_count: number }>(
        `SELECT migration_name, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
      );
      const onDisk = readdirSync(path.join(REPO_ROOT, 'prisma', 'migrations'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      expect(rows.map((r) => r.migration_name)).toEqual(onDisk);
      expect(rows.every((r) => r.applied_steps_count === 1)).toBe(true);
    } finally {
      await db.close();
    }
    // Both commands released the home.
    expect(readdirSync(home)).not.toContain('flashflow.pid');
  });
});

describe('flashflow tasks test', () => {
  // A home that exists keeps the DAG parse cache: the second of these commands reuses the first one's parse.
  let existing: Promise<string> | null = null;
  const existingHome = () => (existing ??= makeTempDir('home'));

  it('runs one task and prints its logs and return value', async () => {
    const home = await makeHome({ seeded: false });
    const r = await runCli(['tasks', 'test', 'cli_good', 'greet', '--conf', '{"count": 5}'], { home, dagsFolder });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hello world, 5 times/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('task greet: success → {"greeting":"hello world","count":5}');
    // Like `airflow tasks test`, it records nothing: no database was created.
    expect(readdirSync(path.dirname(home))).not.toContain('home');
  });

  it('exits non-zero for a failing task and prints its error', async () => {
    const r = await runCliInProcess(['tasks', 'test', 'cli_failing', 'explode'], { home: await existingHome(), dagsFolder });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/task explode: failed \(Error: the fixture task failed on purpose\)/);
  });

  it('names the tasks of the DAG when the task id is unknown', async () => {
    const r = await runCliInProcess(['tasks', 'test', 'cli_good', 'nope'], { home: await existingHome(), dagsFolder });
    expect(r.code).not.toBe(0);
    expect(r.stderrLines).toEqual(["flashflow: task 'nope' not found in DAG 'cli_good'; tasks: greet, shout"]);
  });
});

describe('two commands at once on one home', () => {
  it('both succeed: the second waits for the first instead of looking for a server', async () => {
    const home = await makeHome();
    // The second runs after the first: together they take twice as long as one command, which on a busy machine is
    // more than one command's usual 20 s allowance.
    const [a, b] = await Promise.all([
      runCli(['dags', 'list', '--output', 'json'], { home, dagsFolder, timeoutMs: 45_000 }),
      runCli(['dags', 'trigger', 'cli_good', '--run-id', 'concurrent_1'], { home, dagsFolder, timeoutMs: 45_000 }),
    ]);
    expect(a.stderr).not.toMatch(/control\.sock/);
    expect(b.stderr).not.toMatch(/control\.sock/);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
  }, 60_000);
});
