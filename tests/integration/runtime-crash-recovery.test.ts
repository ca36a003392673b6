// The issue's crash requirement: "after a SIGKILL of the whole process, restarting it resumes every run — tasks
// that were running are failed-and-retried per their policy, nothing stays stuck in running or queued", and "a
// crash (SIGKILL) loses nothing that was committed". The engine runs as a real process
// (tests/support/engine-process.ts) on a real PGlite folder; the fixture's tasks wait for a gate file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../lib/store/open-pglite';
import {
  childProcesses,
  fixturePath,
  FlashflowProcess,
  isAlive,
  makeHome,
  makeTempDir,
  removeTempDirs,
  REPO_ROOT,
  runCli,
  waitUntil,
} from '../support/cli-harness';

const dagsFolder = fixturePath('dags-crash');
const ENGINE = path.join(REPO_ROOT, 'tests', 'support', 'engine-process.ts');
const ORPHAN_PARENT = path.join(REPO_ROOT, 'tests', 'support', 'orphan-parent.ts');

interface EngineEvent {
  event: 'ready' | 'ti' | 'run' | 'stopped';
  dag_id?: string;
  run_id?: string;
  task_id?: string;
  state?: string;
  try_number?: number;
  pid?: number | null;
}

function events(p: FlashflowProcess): EngineEvent[] {
  return p.stdout.split('\n').filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l) as EngineEvent);
}

async function waitForEvent(p: FlashflowProcess, what: string, match: (e: EngineEvent) => boolean, timeoutMs = 10_000): Promise<EngineEvent> {
  try {
    return await waitUntil(() => events(p).find(match), what, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(engine output so far)\n${p.output}`, { cause: err });
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

let home: string;
let gate: string;
const started: FlashflowProcess[] = [];

function startEngine(options: { home?: string; gate?: string } = {}): FlashflowProcess {
  const p = new FlashflowProcess(['--import', 'tsx', ENGINE], {
    home: options.home ?? home,
    dagsFolder,
    env: { FF_CRASH_GATE: options.gate ?? gate, FLASHFLOW_POLL_INTERVAL_MS: '100' },
  });
  started.push(p);
  return p;
}

beforeAll(async () => {
  home = await makeHome();
  gate = path.join(await makeTempDir('gate'), 'open');
});

afterAll(async () => {
  for (const p of started) p.killGroup();
  await removeTempDirs();
});

describe('SIGKILL of the engine process, then a restart', () => {
  it('fails the running try as lost, retries it, finishes every run and keeps the run committed just before the kill', async () => {
    const first = startEngine();
    await waitForEvent(first, 'the first engine to be ready', (e) => e.event === 'ready', 20_000);

    const blocked = await runCli(['dags', 'trigger', 'crash_blocker', '--run-id', 'blocked_run'], { home, dagsFolder });
    expect(blocked.code, blocked.stderr).toBe(0);
    const running = await waitForEvent(first, 'wait_for_gate to be running', (e) =>
      e.event === 'ti' && e.run_id === 'blocked_run' && e.task_id === 'wait_for_gate' && e.state === 'running' && e.try_number === 1 && !!e.pid,
    );
    const runnerPid = running.pid!;
    expect(runnerPid).not.toBe(first.pid);
    expect(isAlive(runnerPid)).toBe(true);

    // Acknowledged (committed) by the engine just before it dies.
    const late = await runCli(['dags', 'trigger', 'crash_late', '--run-id', 'late_run'], { home, dagsFolder });
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toContain('created DAG run late_run of crash_late');
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Only the parent was killed: its runner (and any other child) must notice and exit by itself.
    await waitUntil(() => !isAlive(runnerPid), `runner ${runnerPid} to exit after its parent died`, 3_000);
    await waitUntil(() => !groupAlive(first.pid), `every process of the killed engine's group to exit`, 3_000);

    writeFileSync(gate, 'open');
    const second = startEngine();
    await waitForEvent(second, 'the restarted engine to be ready', (e) => e.event === 'ready', 20_000);
    await waitForEvent(second, 'blocked_run to succeed', (e) => e.event === 'run' && e.run_id === 'blocked_run' && e.state === 'success');
    await waitForEvent(second, 'late_run to succeed', (e) => e.event === 'run' && e.run_id === 'late_run' && e.state === 'success');
    expect(second.stderr).toMatch(/recovered \d+ task instance\(s\) left by a stopped process/);

    process.kill(second.pid, 'SIGTERM');
    expect(await second.waitForExit(10_000)).toEqual({ code: 0, signal: null });

    // The engine is gone, so the test may open its database and check what was recorded.
    const db = await openPglite({ dataDir: path.join(home, 'db') });
    try {
      const history = await db.sql.query<{ try_number: number; state: string; error: string | null; pid: number | null }>(
        `SELECT try_number, state, error, pid FROM task_instance_history
         WHERE dag_id = 'crash_blocker' AND run_id = 'blocked_run' AND task_id = 'wait_for_gate' ORDER BY id`,
      );
      const lost = history.find((h) => h.try_number === 1 && h.state === 'up_for_retry');
      expect(lost, JSON.stringify(history)).toBeDefined();
      expect(lost!.error).toMatch(/WorkerLostError/);
      expect(history.some((h) => h.try_number === 2 && h.state === 'success'), JSON.stringify(history)).toBe(true);

      const [ti] = await db.sql.query<{ state: string; try_number: number }>(
        `SELECT state, try_number FROM task_instance WHERE run_id = 'blocked_run' AND task_id = 'wait_for_gate'`,
      );
      expect(ti).toEqual({ state: 'success', try_number: 2 });

      // The log line try 1 wrote before the crash is still there, under try 1.
      const logs = await db.sql.query<{ try_number: number; line: string }>(
        `SELECT l.try_number, l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id
         WHERE ti.run_id = 'blocked_run' AND ti.task_id = 'wait_for_gate' ORDER BY l.id`,
      );
      expect(logs.some((l) => l.try_number === 1 && l.line.includes(`try 1 waiting in pid ${runnerPid}`)), JSON.stringify(logs)).toBe(true);
      expect(logs.some((l) => l.try_number === 2 && l.line.includes('try 2 waiting')), JSON.stringify(logs)).toBe(true);

      const runs = await db.sql.query<{ dag_id: string; run_id: string; state: string }>(
        `SELECT dag_id, run_id, state FROM dag_run ORDER BY dag_id`,
      );
      expect(runs).toEqual([
        { dag_id: 'crash_blocker', run_id: 'blocked_run', state: 'success' },
        { dag_id: 'crash_late', run_id: 'late_run', state: 'success' },
      ]);
      const stuck = await db.sql.query(
        `SELECT task_id, state FROM task_instance WHERE state NOT IN ('success', 'failed', 'skipped', 'upstream_failed', 'removed')`,
      );
      expect(stuck).toEqual([]);
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe('SIGTERM of the engine while a try runs (a deploy or a restart)', () => {
  it('exits 0 within the grace period, and after the restart the interrupted try is retried and the run succeeds', async () => {
    const termHome = await makeHome();
    const termGate = path.join(await makeTempDir('gate'), 'open');
    const first = startEngine({ home: termHome, gate: termGate });
    await waitForEvent(first, 'the engine to be ready', (e) => e.event === 'ready', 20_000);
    const r = await runCli(['dags', 'trigger', 'crash_blocker', '--run-id', 'term_run'], { home: termHome, dagsFolder });
    expect(r.code, r.stderr).toBe(0);
    await waitForEvent(first, 'wait_for_gate to be running', (e) => e.event === 'ti' && e.task_id === 'wait_for_gate' && e.state === 'running');

    process.kill(first.pid, 'SIGTERM');
    // The LocalExecutor's default grace for running tries is 5 s, then 1 s for the runners to go.
    expect(await first.waitForExit(9_000)).toEqual({ code: 0, signal: null });

    writeFileSync(termGate, 'open');
    const second = startEngine({ home: termHome, gate: termGate });
    await waitForEvent(second, 'term_run to end', (e) => e.event === 'run' && e.run_id === 'term_run' && (e.state === 'success' || e.state === 'failed'), 20_000);
    const tis = events(second).filter((e) => e.event === 'ti' && e.task_id === 'wait_for_gate');
    expect(events(second).find((e) => e.event === 'run' && e.run_id === 'term_run' && e.state !== 'running')?.state, JSON.stringify(tis)).toBe('success');
    expect(tis.at(-1)).toMatchObject({ state: 'success', try_number: 2 });
    process.kill(second.pid, 'SIGTERM');
    expect((await second.waitForExit(10_000)).code).toBe(0);
  }, 60_000);
});

describe('SIGKILL of a parent whose children cannot listen', () => {
  it('a task runner stuck in a busy loop and a DAG parser stuck in a looping file exit anyway', async () => {
    const parent = new FlashflowProcess(['--import', 'tsx', ORPHAN_PARENT, fixturePath('dags-parse-timeout')], { home, dagsFolder });
    started.push(parent);
    const [, runnerPid] = await parent.waitFor(/"runner":(\d+)/, 15_000);
    const runner = Number(runnerPid);
    const parsers = childProcesses(parent.pid, 'parser-child');
    expect(parsers).toHaveLength(1);
    expect(isAlive(runner)).toBe(true);

    process.kill(parent.pid, 'SIGKILL');
    await parent.exited;
    const alive = () => ({ runnerAlive: isAlive(runner), parserAlive: isAlive(parsers[0]!) });
    await waitUntil(() => !alive().runnerAlive && !alive().parserAlive, 'both children to exit', 5_000).catch(() => null);
    expect(alive()).toEqual({ runnerAlive: false, parserAlive: false });
  }, 30_000);
});
