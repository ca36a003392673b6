// A DAG file's first job makes the other runners import it too, before its next tries can land there.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { EventRecorder, taskJob } from './executor-harness';

const MARK = join(mkdtempSync(join(tmpdir(), 'ff-warm-')), 'imported-by');
const WARM_DAG = fileURLToPath(new URL('../fixtures/workflows/warm-marker.ts', import.meta.url));

const executor = new LocalExecutor({
  processes: 2,
  concurrency: 2,
  env: { ...process.env, FF_WARM_MARK: MARK },
  serviceHandler: async () => null,
});
const recorder = new EventRecorder(executor);

beforeAll(() => executor.start());
afterAll(() => executor.stop());

const importers = () => (existsSync(MARK) ? new Set(readFileSync(MARK, 'utf8').trim().split('\n')) : new Set<string>());

describe('LocalExecutor warm-up', () => {
  it('has every runner import a DAG file once, though only one of them ran its try', async () => {
    const { finished } = await recorder.run(taskJob('noop', { dagId: 'warm_marker', fileloc: WARM_DAG }));
    expect(finished.outcome).toEqual({ status: 'success', xcom: null });
    await vi.waitFor(() => expect(importers()).toEqual(new Set(executor.pids.map(String))), { timeout: 15_000, interval: 50 });
    // A second try, wherever it runs, imports nothing again.
    await recorder.run(taskJob('noop', { dagId: 'warm_marker', fileloc: WARM_DAG }));
    expect(readFileSync(MARK, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
