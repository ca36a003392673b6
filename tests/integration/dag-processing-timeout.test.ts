// A DAG file that never finishes importing must cost only itself: it becomes an import error of its own (a parse
// timeout) while every other file of the folder is parsed and synced as usual (Airflow's per-file
// dag_file_processor_timeout). Real parser child processes, a cloned test database.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DagProcessor } from '../../lib/dag-processing/dag-processor';
import type { Database } from '../../lib/store/database';
import { childProcesses, fixturePath, removeTempDirs } from '../support/cli-harness';
import { chainDagSource, loopingDagSource, makeDagFolder, writeDagFile } from '../support/dag-folder';
import { createTestDb } from '../support/test-db';

const FILE_TIMEOUT_MS = 1_500;
let db: Database;

/** Child processes of this process still running the DAG parser. */
const parserChildren = () => childProcesses(process.pid, 'parser-child');

beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.close();
});
afterAll(async () => {
  // A parser stuck in the looping file must not outlive this worker even when a test fails.
  for (const pid of parserChildren()) process.kill(pid, 'SIGKILL');
  await removeTempDirs();
});

function processor(folder: string): DagProcessor {
  return new DagProcessor({ folder, sql: db.sql, now: () => new Date(), fileTimeoutMs: FILE_TIMEOUT_MS });
}

async function activeDags(): Promise<Record<string, string[]>> {
  const rows = await db.sql.query<{ dag_id: string; serialized: { tasks: Array<{ task_id: string }> } }>(
    `SELECT dag_id, serialized FROM dag WHERE is_active ORDER BY dag_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.dag_id, r.serialized.tasks.map((t) => t.task_id)]));
}

async function importErrors(): Promise<Array<{ filename: string; stacktrace: string }>> {
  return db.sql.query(`SELECT filename, stacktrace FROM import_error ORDER BY filename`);
}

describe('a DAG file that loops forever at import', () => {
  it('becomes an import error of its own, naming the timeout, while the other files of the folder are synced and no parser is left running', async () => {
    const folder = fixturePath('dags-parse-timeout');
    const started = Date.now();
    await processor(folder).processOnce();
    expect(Date.now() - started).toBeLessThan(FILE_TIMEOUT_MS + 5_000);

    expect(await activeDags()).toEqual({ after_the_loop: ['fine'], good_neighbour: ['fine'] });
    const errors = await importErrors();
    expect(errors.map((e) => e.filename)).toEqual([path.join(folder, 'loops_forever.ts')]);
    expect(errors[0]!.stacktrace).toMatch(new RegExp(`${FILE_TIMEOUT_MS} ms`));
    // The parser stuck in the loop was killed, not left spinning.
    expect(parserChildren()).toEqual([]);
  });

  it('a DAG whose file starts looping keeps its last good version, and edits to other files still arrive', async () => {
    const folder = await makeDagFolder();
    writeDagFile(folder, 'steady.ts', chainDagSource('steady', ['x']));
    const turning = writeDagFile(folder, 'turns_bad.ts', chainDagSource('turns_bad', ['y']));
    const p = processor(folder);
    await p.processOnce();
    expect(await activeDags()).toEqual({ steady: ['x'], turns_bad: ['y'] });

    writeDagFile(folder, 'steady.ts', chainDagSource('steady', ['x', 'x2']));
    writeDagFile(folder, 'turns_bad.ts', loopingDagSource('turns_bad'));
    await p.processOnce();
    expect(await activeDags()).toEqual({ steady: ['x', 'x2'], turns_bad: ['y'] });
    expect((await importErrors()).map((e) => e.filename)).toEqual([turning]);
  });
});
