// Every state change the store makes, held against the one transition table (ADR 0021): realistic scenarios run on
// a real database while a trigger records each (from → to); a change outside the table, or a try's end or a person's
// change without its history row, fails the test whatever statement made it.
import { afterEach, describe, expect, it } from 'vitest';
import { chain, dag, NonRetriableError, timeDeltaSensor, type Dag } from 'flashflow';
import { compileDag } from '../../lib/engine/compile-dag';
import type { Executor, ExecutorEvent } from '../../lib/engine/executor-port';
import { Scheduler } from '../../lib/engine/scheduler';
import { setPaused } from '../../lib/store/dag-admin';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';
import { clearTaskInstances, markTaskInstances } from '../../lib/store/task-actions';
import { listRunTries } from '../../lib/store/ui-task-tries';
import { startEngine, type Engine } from '../support/engine-harness';
import { InlineExecutor } from '../support/inline-executor';
import { asPerson, changesOutsideTheTable, historyMismatches, installStateAudit } from '../support/state-audit';

let engine: Engine | null = null;
const extraSchedulers: Scheduler[] = [];
afterEach(async () => {
  for (const s of extraSchedulers.splice(0)) await s.stop();
  await engine?.close();
  engine = null;
});

async function auditedEngine(dags: Dag[]): Promise<Engine> {
  engine = await startEngine(dags);
  await installStateAudit(engine.db.sql);
  return engine;
}

async function expectEveryChangeInTheTable(e: Engine): Promise<void> {
  expect(await changesOutsideTheTable(e.db.sql)).toEqual([]);
  expect(await historyMismatches(e.db.sql)).toEqual([]);
}

function flowDag() {
  const d = dag({ dagId: 'audit_flow' });
  const words = d.task('words', { retries: 1, retryDelay: '5m' }, (ctx) => {
    if (ctx.tryNumber === 1) throw new Error('connection reset');
    return ['a', 'b', 'c'];
  });
  const card = d.task('card', { expand: words }, (ctx) => {
    if (ctx.item === 'b') throw new NonRetriableError('example too long');
    return ctx.item;
  });
  const deck = d.task('deck', { inputs: { card } }, () => 'saved');
  deck.then(d.task('report', { triggerRule: 'all_done' }, () => 'done'));
  d.branch('pick', () => 'left').then([d.task('left', () => 1), d.task('right', () => 1)]);
  chain(d.shortCircuit('gate', () => false), d.task('gated', () => 1));
  const nothing = d.task('nothing', (): string[] => []);
  d.task('per_nothing', { expand: nothing }, (ctx) => ctx.item);
  return d;
}

/** One run of audit_flow to its end: words fails once and is retried 5 minutes later, card[1] fails for good. */
async function flowRun(e: Engine) {
  const run = await e.trigger('audit_flow');
  await e.advance(300_000);
  expect(await e.states(run)).toMatchObject({
    words: 'success', 'card[0]': 'success', 'card[1]': 'failed', 'card[2]': 'success', deck: 'upstream_failed',
    report: 'success', left: 'success', right: 'skipped', gated: 'skipped', per_nothing: 'skipped',
  });
  return run;
}

const triesOf = async (e: Engine, runId: string, taskId: string, mapIndex = -1) =>
  (await listRunTries(e.db.sql, 'audit_flow', runId, { taskId, mapIndex })).map((t) => `#${t.try_number}:${t.state}`);

describe('every state change goes through the transition table', () => {
  it('runs, retries, fails, skips and maps by the table', async () => {
    const e = await auditedEngine([flowDag()]);
    await flowRun(e);
    await expectEveryChangeInTheTable(e);
  });

  it('lets a person mark and clear by the manual rule, each change with its history row', async () => {
    const e = await auditedEngine([flowDag()]);
    const run = await flowRun(e);
    const sql = e.db.sql;
    const now = () => e.clock.now();
    const sel = (taskIds: string[], extra: object = {}) => ({ dagId: 'audit_flow', runId: run.runId, taskIds, ...extra });

    // The failed word is fixed by hand, then its downstream cleared so it runs.
    await asPerson(sql, () => markTaskInstances(sql, sel(['card'], { mapIndexes: [1] }), 'success', now()));
    await asPerson(sql, () => clearTaskInstances(sql, sel(['deck'], { includeDownstream: true }), now()));
    e.scheduler.wake();
    await e.settle();
    expect(await e.states(run)).toMatchObject({ 'card[1]': 'success', deck: 'success', report: 'success' });
    expect(await triesOf(e, run.runId, 'card', 1)).toEqual(['#1:success']);

    // A success marked failed, then only the failed ones cleared: it runs again as try 2.
    await asPerson(sql, () => markTaskInstances(sql, sel(['left']), 'failed', now()));
    await asPerson(sql, () => clearTaskInstances(sql, sel(['left', 'right', 'words'], { onlyFailed: true }), now()));
    e.scheduler.wake();
    await e.settle();
    expect(await e.states(run)).toMatchObject({ left: 'success', right: 'skipped', words: 'success' });
    expect(await triesOf(e, run.runId, 'left')).toEqual(['#1:failed', '#2:success']);

    // The whole run cleared (the API's "set run state to queued") and run again.
    await asPerson(sql, () => clearTaskInstances(sql, sel([...flowDag().tasks.keys()]), now()));
    e.scheduler.wake();
    await e.advance(300_000);
    expect(await e.states(run)).toMatchObject({ words: 'success', deck: 'upstream_failed', report: 'success' });

    await expectEveryChangeInTheTable(e);
  });

  it('lets a person mark tasks that never ran, and the run goes on from there', async () => {
    const e = await auditedEngine([flowDag()]);
    const sql = e.db.sql;
    await setPaused(sql, 'audit_flow', true);
    const run = await e.trigger('audit_flow');
    const mark = (taskId: string, state: 'success' | 'failed') =>
      asPerson(sql, () => markTaskInstances(sql, { dagId: 'audit_flow', runId: run.runId, taskIds: [taskId] }, state, e.clock.now()));
    await mark('pick', 'failed');
    await mark('gate', 'success');
    await setPaused(sql, 'audit_flow', false);
    e.scheduler.wake();
    await e.advance(300_000);
    expect(await e.states(run)).toMatchObject({ pick: 'failed', left: 'upstream_failed', gate: 'success', gated: 'success' });

    await expectEveryChangeInTheTable(e);
  });

  it('fails a try lost with its process as a lost worker, and requeues one that never started', async () => {
    let release: () => void = () => {};
    const d = dag({ dagId: 'audit_lost' });
    d.task('work', { retries: 1, retryDelay: 0 }, async (ctx) => {
      // Try 1 hangs for ever, as in a process that died without a word.
      if (ctx.tryNumber === 1) await new Promise<void>((resolve) => (release = resolve));
      return 'done';
    });
    const e = await auditedEngine([d]);
    const run = await e.trigger('audit_lost');
    expect(await e.states(run)).toEqual({ work: 'running' });
    await e.scheduler.stop();

    // The next scheduler fails the orphaned try as lost (→ up_for_retry) and queues try 2 on an executor that never
    // starts it; the one after that finds try 2 queued and not started, and requeues it under the same try number.
    const silent = new SilentExecutor();
    await settle(startScheduler(e, silent));
    expect(await e.states(run)).toEqual({ work: 'queued' });
    expect(silent.submitted).toBe(1);
    await extraSchedulers.pop()!.stop();
    await settle(startScheduler(e, new InlineExecutor(new Map([[d.dagId, d]]), e.clock)));
    expect(await e.states(run)).toEqual({ work: 'success' });
    expect(await e.runState(run)).toBe('success');
    release();

    await expectEveryChangeInTheTable(e);
  });

  it('reschedules a sensor’s pokes under one try, which a restart neither fails nor spends', async () => {
    const d = dag({ dagId: 'audit_sensor' });
    d.task('wait', timeDeltaSensor({ delta: '1d', pokeInterval: '6h', mode: 'reschedule' }));
    const e = await auditedEngine([d]);
    const firstPoke = e.clock.now();
    const run = await e.trigger('audit_sensor');
    expect(await e.states(run)).toEqual({ wait: 'up_for_reschedule' });
    await e.scheduler.stop();
    e.clock.advance(6 * 3_600_000);

    // A waiting sensor is no orphan: the next scheduler leaves it alone, then queues its due poke on an executor that
    // never starts it; the one after that requeues the poke, still try 1, and runs it.
    const silent = new SilentExecutor();
    await settle(startScheduler(e, silent));
    expect(await e.states(run)).toEqual({ wait: 'queued' });
    expect(silent.submitted).toBe(1);
    await extraSchedulers.pop()!.stop();
    const inline = new InlineExecutor(new Map([[d.dagId, d]]), e.clock);
    await inline.start();
    await settle(startScheduler(e, inline));
    const [wait] = await e.db.sql.query<{ state: string; try_number: number; first_poke_at: Date }>(
      `SELECT state, try_number, first_poke_at FROM task_instance WHERE run_id = $1`, [run.runId]);
    expect(wait).toEqual({ state: 'up_for_reschedule', try_number: 1, first_poke_at: firstPoke });
    expect(inline.submitted).toHaveLength(1);

    await expectEveryChangeInTheTable(e);
  });

  it('marks a task removed when a new version of its DAG drops it mid-run', async () => {
    let release: () => void = () => {};
    const build = (withSecond: boolean) => {
      const d = dag({ dagId: 'audit_removed' });
      const first = d.task('first', () => new Promise<string>((resolve) => (release = () => resolve('ok'))));
      if (withSecond) first.then(d.task('second', () => 1));
      return d;
    };
    const e = await auditedEngine([build(true)]);
    const run = await e.trigger('audit_removed');
    const v2 = compileDag(build(false), '/virtual/audit_removed.ts');
    if (!v2.ok) throw new Error(v2.errors.join('\n'));
    await syncDags(e.db.sql, { dags: [v2.dag], errors: [], files: [] }, e.clock.now());
    await e.advance(1000); // the poll re-reads the DAGs and plans every running run
    expect(await e.states(run)).toEqual({ first: 'running', second: 'removed' });
    release();
    await e.settle();
    expect(await e.runState(run)).toBe('success');

    await expectEveryChangeInTheTable(e);
  });

  it('catches a write that changes a state outside the table, or a person’s change without a history row', async () => {
    const d = dag({ dagId: 'audit_self_check' });
    d.task('t', () => 1);
    d.task('u', () => 1);
    const e = await auditedEngine([d]);
    await setPaused(e.db.sql, 'audit_self_check', true);
    const run = await e.trigger('audit_self_check');
    const write = (taskId: string, state: string) =>
      e.db.sql.query(`UPDATE task_instance SET state = $3 WHERE run_id = $1 AND task_id = $2`, [run.runId, taskId, state]);
    await write('t', 'running');
    await asPerson(e.db.sql, () => write('u', 'success'));

    expect(await changesOutsideTheTable(e.db.sql)).toEqual([expect.stringMatching(/^scheduler task_instance \S+: none → running$/)]);
    expect(await historyMismatches(e.db.sql)).toEqual([expect.stringMatching(/^no history row for manual task_instance \S+: none → success$/)]);
  });
});

/** An executor whose tries never start: what a crash between queueing and starting leaves behind. */
class SilentExecutor implements Executor {
  submitted = 0;
  openSlots = () => 4;
  submit(): void {
    this.submitted++;
  }
  kill(): void {}
  onEvent(_listener: (event: ExecutorEvent) => void): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

function startScheduler(e: Engine, executor: Executor): Scheduler {
  const scheduler = new Scheduler({ store: sqlRunStore(e.db.sql), executor, clock: e.clock, pollIntervalMs: 1000, random: () => 0 });
  extraSchedulers.push(scheduler);
  return scheduler;
}

async function settle(scheduler: Scheduler): Promise<void> {
  await scheduler.start();
  for (let quiet = 0; quiet < 3; ) {
    await scheduler.idle();
    await new Promise((r) => setImmediate(r));
    quiet = (scheduler as unknown as { dirty: boolean }).dirty ? 0 : quiet + 1;
  }
}
