import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { startTestRuntime, taskError, trigger, waitForRun } from '../support/runtime-harness';

const FOLDER = path.resolve(__dirname, '../fixtures/dags-engine');
let rt: Runtime;

beforeAll(async () => {
  rt = await startTestRuntime(FOLDER);
}, 60_000);
afterAll(async () => rt?.stop());

const tis = (runId: string) =>
  rt.db.sql.query<{ task_id: string; map_index: number; state: string; try_number: number }>(
    `SELECT task_id, map_index, state, try_number FROM task_instance WHERE run_id = $1 ORDER BY task_id, map_index`,
    [runId],
  );

describe('whole runs in real runner processes', () => {
  it('kills a try at its execution timeout and succeeds on the retry', async () => {
    const runId = await trigger(rt, 'slow_then_fast');
    expect(await waitForRun(rt, 'slow_then_fast', runId)).toBe('success');
    const history = await rt.db.sql.query<{ try_number: number; state: string; error: string | null }>(
      `SELECT try_number, state, error FROM task_instance_history WHERE run_id = $1 ORDER BY try_number`, [runId]);
    expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, 'up_for_retry'], [2, 'success']]);
    expect(history[0]!.error).toMatch(/TimeoutError/);
  });

  it('maps a task over a list, one instance per item, and reduces their results downstream', async () => {
    const runId = await trigger(rt, 'mapped_words');
    expect(await waitForRun(rt, 'mapped_words', runId)).toBe('success');
    expect((await tis(runId)).map((t) => `${t.task_id}[${t.map_index}]=${t.state}`)).toEqual([
      'card[0]=success', 'card[1]=success', 'card[2]=success', 'deck[-1]=success', 'words[-1]=success',
    ]);
    const [deck] = await rt.db.sql.query<{ value: unknown }>(`SELECT value FROM xcom WHERE run_id = $1 AND task_id = 'deck'`, [runId]);
    expect(deck!.value).toBe('chat:0,chien:1,oiseau:2');
  });

  it('fails a branch that names no downstream task, and a mapping source that is not a list, clearly', async () => {
    const b = await trigger(rt, 'bad_branch');
    const m = await trigger(rt, 'not_a_list');
    expect(await waitForRun(rt, 'bad_branch', b)).toBe('failed');
    expect(await waitForRun(rt, 'not_a_list', m)).toBe('failed');
    expect(await taskError(rt, 'bad_branch', b, 'pick')).toContain("branch task 'pick' must return the id (or a list of ids) of its direct downstream tasks (a)");
    expect(await taskError(rt, 'not_a_list', m, 'src')).toContain("task 'src' feeds mapped task 'each' and must return a list; got object");
  });

  it('refuses a 10 MB return value, naming the size and the limit, without retrying', async () => {
    const runId = await trigger(rt, 'huge_xcom');
    expect(await waitForRun(rt, 'huge_xcom', runId)).toBe('failed');
    expect(await taskError(rt, 'huge_xcom', runId, 'big')).toContain('returned 10.0 MB of XCom, more than the limit of 1.0 MB');
  });

  it('runs onExecute in the task process before the task, into the try log', async () => {
    const runId = await trigger(rt, 'with_on_execute');
    expect(await waitForRun(rt, 'with_on_execute', runId)).toBe('success');
    const lines = await rt.db.sql.query<{ line: string }>(
      `SELECT l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id WHERE ti.run_id = $1 ORDER BY l.id`, [runId]);
    expect(lines.map((l) => l.line)).toContain('INFO - about to run t try 1');
  });

  it('stores log lines while the task is still running', async () => {
    const runId = await trigger(rt, 'chatty');
    let seenWhileRunning = false;
    for (let i = 0; i < 100 && !seenWhileRunning; i++) {
      const rows = await rt.db.sql.query<{ state: string; line: string | null }>(
        `SELECT ti.state, l.line FROM task_instance ti LEFT JOIN task_log l ON l.ti_id = ti.id WHERE ti.run_id = $1`, [runId]);
      seenWhileRunning = rows.some((r) => r.state === 'running' && r.line === 'first line');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seenWhileRunning).toBe(true);
    expect(await waitForRun(rt, 'chatty', runId)).toBe('success');
  });
});
