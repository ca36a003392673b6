// The runtime watches the DAG folder: edits, new files, broken files and deleted files reach the database and
// the scheduler within a couple of seconds, without a restart. Real runtime (PGlite folder, parser child
// processes, LocalExecutor) in this process, on a temp folder the test edits.
import { unlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lib/kernel/errors';
import { loadConfig } from '../../lib/runtime/config';
import { startRuntime, type Runtime } from '../../lib/runtime/start-runtime';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { makeHome, removeTempDirs, REPO_ROOT, waitUntil } from '../support/cli-harness';
import { chainDagSource, makeDagFolder, writeDagFile } from '../support/dag-folder';

/** "Within a couple of seconds", with room for a loaded CI machine. */
const PICKED_UP_MS = 3_000;

let folder: string;
let runtime: Runtime;
const logged: string[] = [];

async function dagRow(dagId: string) {
  const [row] = await runtime.db.sql.query<{ is_active: boolean; serialized: { tasks: Array<{ task_id: string }> } }>(
    `SELECT is_active, serialized FROM dag WHERE dag_id = $1`,
    [dagId],
  );
  return row ? { isActive: row.is_active, tasks: row.serialized.tasks.map((t) => t.task_id) } : null;
}

async function importErrors(): Promise<Array<{ filename: string; stacktrace: string }>> {
  return runtime.db.sql.query(`SELECT filename, stacktrace FROM import_error ORDER BY filename`);
}

async function runToEnd(dagId: string, runId: string): Promise<{ state: string; tasks: string[] }> {
  await triggerDagRun(runtime.db.sql, { dagId, runId }, new Date());
  runtime.scheduler.wake();
  const state = await waitUntil(async () => {
    const [r] = await runtime.db.sql.query<{ state: string }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [dagId, runId]);
    return r && (r.state === 'success' || r.state === 'failed') ? r.state : null;
  }, `run ${dagId}/${runId} to end`, 10_000);
  const tis = await runtime.db.sql.query<{ task_id: string; state: string }>(
    `SELECT task_id, state FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id`,
    [dagId, runId],
  );
  return { state, tasks: tis.map((t) => `${t.task_id}:${t.state}`) };
}

beforeAll(async () => {
  folder = await makeDagFolder();
  writeDagFile(folder, 'watched.ts', chainDagSource('watched', ['one']));
  writeDagFile(folder, 'doomed.ts', chainDagSource('doomed', ['only']));
  const home = await makeHome();
  const config = loadConfig(
    { FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: folder, FLASHFLOW_EXECUTOR_PROCESSES: '1', FLASHFLOW_POLL_INTERVAL_MS: '100' },
    REPO_ROOT,
  );
  runtime = await startRuntime(config, { watch: true, log: (level, message) => logged.push(`${level} ${message}`) });
});

afterAll(async () => {
  await runtime?.stop();
  await removeTempDirs();
});

describe('DAG folder watching', () => {
  it('parses the folder at start', async () => {
    expect(await dagRow('watched')).toEqual({ isActive: true, tasks: ['one'] });
    expect(await dagRow('doomed')).toEqual({ isActive: true, tasks: ['only'] });
  });

  it('an edited file updates its DAG within a couple of seconds, and the next run has the new task', async () => {
    const edited = Date.now();
    writeDagFile(folder, 'watched.ts', chainDagSource('watched', ['one', 'two']));
    await waitUntil(async () => (await dagRow('watched'))?.tasks.includes('two'), 'the new task to appear', PICKED_UP_MS);
    expect(Date.now() - edited).toBeLessThan(PICKED_UP_MS);
    // Triggered the moment the new version is in the database: the scheduler must already know task 'two'.
    expect(await runToEnd('watched', 'after_edit')).toEqual({ state: 'success', tasks: ['one:success', 'two:success'] });
  });

  it('a new file adds its DAG', async () => {
    writeDagFile(folder, 'newcomer.ts', chainDagSource('newcomer', ['a', 'b']));
    await waitUntil(async () => (await dagRow('newcomer'))?.isActive, 'the new DAG to appear', PICKED_UP_MS);
    expect(await runToEnd('newcomer', 'first')).toEqual({ state: 'success', tasks: ['a:success', 'b:success'] });
  });

  it('a file that breaks becomes an import error while its DAG keeps its last good version; fixing it clears the error', async () => {
    const file = writeDagFile(folder, 'watched.ts', `${chainDagSource('watched', ['one', 'two', 'three'])}\nexport const broken = ;\n`);
    const error = await waitUntil(async () => (await importErrors()).find((e) => e.filename === file), 'the import error', PICKED_UP_MS);
    expect(error.stacktrace).toMatch(/Expected|Unexpected|SyntaxError|Transform failed/);
    expect(await dagRow('watched')).toEqual({ isActive: true, tasks: ['one', 'two'] });
    // Task code comes from the file, so a run started while it is broken cannot run; it must say why.
    expect(await runToEnd('watched', 'while_broken')).toEqual({ state: 'failed', tasks: ['one:failed', 'two:upstream_failed'] });
    const [one] = await runtime.db.sql.query<{ last_error: string }>(
      `SELECT last_error FROM task_instance WHERE dag_id = 'watched' AND run_id = 'while_broken' AND task_id = 'one'`,
    );
    expect(one!.last_error).toMatch(/^DagImportError: could not import DAG file .*watched\.ts/);

    writeDagFile(folder, 'watched.ts', chainDagSource('watched', ['one', 'two', 'three']));
    await waitUntil(async () => (await dagRow('watched'))?.tasks.includes('three'), 'the fixed version', PICKED_UP_MS);
    expect(await importErrors()).toEqual([]);
  });

  it('deleting a file deactivates its DAG, which can no longer be triggered', async () => {
    unlinkSync(`${folder}/doomed.ts`);
    await waitUntil(async () => (await dagRow('doomed'))?.isActive === false, 'the DAG to be deactivated', PICKED_UP_MS);
    await expect(triggerDagRun(runtime.db.sql, { dagId: 'doomed' }, new Date())).rejects.toBeInstanceOf(NotFoundError);
    expect((await dagRow('watched'))?.isActive).toBe(true);
  });
});
