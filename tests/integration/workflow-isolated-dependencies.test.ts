// The shipped isolated_dependencies DAG end to end on the real runtime (runner processes, real npm installs from
// the registry into a fresh environments folder), and DAGs of its shape that each make one mistake.
import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmEnv } from '../support/npm-env';
import { startTestRuntime, taskError, trigger, waitForRun } from '../support/runtime-harness';

const FOLDER = fileURLToPath(new URL('../fixtures/dags-isolated-dependencies', import.meta.url));
/** Four cold installs side by side take a few seconds; a slow registry may take many more. */
const INSTALL_RUN_MS = 90_000;
/** The test outlives the wait, so a slow run fails with waitForRun's message (the run's state), not a bare timeout. */
const INSTALL_TEST_MS = INSTALL_RUN_MS + 10_000;

// Outside the repository, as the operator requires (nothing of the app's node_modules above it).
const envsDir = await realpath(await mkdtemp(join(tmpdir(), 'flashflow-envs-isolated-dependencies-')));
let rt: Awaited<ReturnType<typeof startTestRuntime>>;

beforeAll(async () => {
  rt = await startTestRuntime(FOLDER, { ...npmEnv(), FLASHFLOW_ENVS_DIR: envsDir });
});
afterAll(async () => {
  await rt?.stop();
  await rm(envsDir, { recursive: true, force: true });
});

interface ProbeResult {
  version: string;
  loadedFrom: string;
  exports: string[];
  formatted: string;
}

async function results(dagId: string, runId: string): Promise<Record<string, ProbeResult>> {
  const rows = await rt.db.sql.query<{ task_id: string; value: ProbeResult }>(
    `SELECT task_id, value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND key = 'return_value'`,
    [dagId, runId],
  );
  return Object.fromEntries(rows.map((r) => [r.task_id, r.value]));
}

async function taskInstance(dagId: string, runId: string, taskId: string): Promise<{ state: string; try_number: number; log: string[] }> {
  const [ti] = await rt.db.sql.query<{ id: string; state: string; try_number: number }>(
    `SELECT id, state, try_number FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3`,
    [dagId, runId, taskId],
  );
  const log = await rt.db.sql.query<{ line: string }>(`SELECT line FROM task_log WHERE ti_id = $1 ORDER BY id`, [ti!.id]);
  return { state: ti!.state, try_number: ti!.try_number, log: log.map((l) => l.line) };
}

describe('the isolated_dependencies DAG', () => {
  it('runs each task on its own major of filesize, loaded from its own environment', async () => {
    const runId = await trigger(rt, 'isolated_dependencies');
    expect(await waitForRun(rt, 'isolated_dependencies', runId, INSTALL_RUN_MS)).toBe('success');
    const byTask = await results('isolated_dependencies', runId);
    expect(Object.keys(byTask).sort()).toEqual(['filesize_v10', 'filesize_v11', 'filesize_v6', 'filesize_v8']);
    expect(byTask).toMatchObject({
      filesize_v6: { version: '6.4.0', exports: ['default'], formatted: '1 KB' },
      filesize_v8: { version: '8.0.7', exports: ['default'], formatted: '1.02 kB' },
      filesize_v10: { version: '10.1.6', exports: ['default', 'filesize', 'partial'], formatted: '1.02 kB' },
      filesize_v11: { version: '11.0.35', exports: ['filesize', 'partial'], formatted: '1.02 kB' },
    });
    // Four environments, each a folder of the environments folder, none of them the app's.
    const dirs = Object.values(byTask).map((r) => r.loadedFrom);
    expect(new Set(dirs).size).toBe(4);
    for (const dir of dirs) expect(relative(envsDir, dir).split(sep)).toEqual([expect.stringMatching(/^env-[0-9a-f]+$/), 'node_modules', 'filesize']);
    // npm's own output is part of the try's log.
    expect((await taskInstance('isolated_dependencies', runId, 'filesize_v6')).log.some((l) => /^added 1 package/.test(l))).toBe(true);
  }, INSTALL_TEST_MS);

  it('reuses the four environments on the next run, without npm, and formats the bytes it is given', async () => {
    const runId = await trigger(rt, 'isolated_dependencies', { conf: { bytes: 1536 } });
    expect(await waitForRun(rt, 'isolated_dependencies', runId)).toBe('success');
    const byTask = await results('isolated_dependencies', runId);
    expect(Object.fromEntries(Object.entries(byTask).map(([task, r]) => [task, r.formatted]))).toEqual({
      filesize_v6: '1.5 KB',
      filesize_v8: '1.54 kB',
      filesize_v10: '1.54 kB',
      filesize_v11: '1.54 kB',
    });
    for (const task of Object.keys(byTask)) {
      const { log } = await taskInstance('isolated_dependencies', runId, task);
      expect(log.filter((l) => l.includes('isolated env: installing'))).toEqual([]);
      expect(log.some((l) => l.includes('isolated env: reusing'))).toBe(true);
    }
  });
});

describe('mistakes in a DAG of that shape', () => {
  it('fails a task that imports a package it did not declare at once, naming the package', async () => {
    const runId = await trigger(rt, 'isolated_dependencies_undeclared');
    expect(await waitForRun(rt, 'isolated_dependencies_undeclared', runId)).toBe('failed');
    const error = await taskError(rt, 'isolated_dependencies_undeclared', runId, 'filesize_v11');
    expect(error).toMatch(/^NonRetriableError: Cannot find package 'filesize' imported from .*task\.mjs/);
    expect(error).toContain("an isolated task sees only Node's built-ins and no requirements, never the app's node_modules");
    expect(error).toContain('add the package to `requirements`');
    // Its retry would meet the same missing package: the one try is the last.
    const ti = await taskInstance('isolated_dependencies_undeclared', runId, 'filesize_v11');
    expect([ti.state, ti.try_number]).toEqual(['failed', 1]);
  });

  it("fails a task pinned to an unknown version at once, with npm's message in its log", async () => {
    const runId = await trigger(rt, 'isolated_dependencies_unknown_version');
    expect(await waitForRun(rt, 'isolated_dependencies_unknown_version', runId, INSTALL_RUN_MS)).toBe('failed');
    expect(await taskError(rt, 'isolated_dependencies_unknown_version', runId, 'filesize_v99')).toBe(
      'NonRetriableError: isolated env: npm install failed: no version filesize@99.0.0 exists in the registry (npm ETARGET)',
    );
    const ti = await taskInstance('isolated_dependencies_unknown_version', runId, 'filesize_v99');
    expect([ti.state, ti.try_number]).toEqual(['failed', 1]);
    expect(ti.log.some((l) => /No matching version found for filesize@99\.0\.0/.test(l))).toBe(true);
    // No half-built environment or lock is left for the next try to trip over.
    expect((await readdir(envsDir)).filter((f) => f.startsWith('.build-') || f.endsWith('.lock'))).toEqual([]);
  }, INSTALL_TEST_MS);
});

