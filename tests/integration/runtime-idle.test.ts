// A runtime with nothing to do keeps polling for hours: each poll must leave nothing behind, and stopping it
// must release the home promptly. Real runtime in this process, with a very short poll interval.
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../lib/kernel/clock';
import { loadConfig } from '../../lib/runtime/config';
import { startRuntime } from '../../lib/runtime/start-runtime';
import { makeHome, removeTempDirs, REPO_ROOT, waitUntil } from '../support/cli-harness';
import { chainDagSource, makeDagFolder, writeDagFile } from '../support/dag-folder';

afterAll(removeTempDirs);

describe('an idle runtime', () => {
  it('polls without piling up abort listeners (no MaxListenersExceededWarning) and stops promptly', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    // The system clock, counting the scheduler's sleeps and keeping the signals it sleeps on.
    let sleeps = 0;
    const signals = new Set<AbortSignal>();
    const clock: Clock = {
      now: () => systemClock.now(),
      sleep: (ms, signal) => {
        sleeps++;
        if (signal) signals.add(signal);
        return systemClock.sleep(ms, signal);
      },
    };
    const folder = await makeDagFolder();
    writeDagFile(folder, 'idle.ts', chainDagSource('idle', ['nothing']));
    const home = await makeHome();
    const config = loadConfig(
      { FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: folder, FLASHFLOW_EXECUTOR_PROCESSES: '1', FLASHFLOW_POLL_INTERVAL_MS: '10' },
      REPO_ROOT,
    );
    const runtime = await startRuntime(config, { watch: true, log: () => {}, clock });
    let listeners: number[];
    try {
      await waitUntil(() => sleeps >= 30, '30 scheduler polls', 15_000);
      // One pending sleep may hold one listener; finished sleeps must hold none.
      listeners = [...signals].map((s) => getEventListeners(s, 'abort').length);
    } finally {
      const stopping = Date.now();
      await runtime.stop();
      expect(Date.now() - stopping).toBeLessThan(3_000);
      process.off('warning', onWarning);
    }
    expect(existsSync(path.join(home, 'flashflow.pid'))).toBe(false);
    expect(signals.size).toBeGreaterThan(0);
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});
