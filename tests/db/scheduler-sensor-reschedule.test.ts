// Sensors in reschedule mode (ADR 0022) on the real store with a fake clock: a week of waiting is a few clock
// advances. A rescheduled sensor holds no slot between pokes, keeps its try, times out from its first poke, and a
// person can see, clear and mark it like any waiting task.
import { afterEach, describe, expect, it } from 'vitest';
import { dag, externalTaskSensor, timeDeltaSensor } from 'flashflow';
import type { SensorMode } from '../../lib/operators/poke';
import { getTaskInstanceOne, listTaskInstancesPage } from '../../lib/api/handlers/task-instances';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { clearTaskInstances, markTaskInstances } from '../../lib/store/task-actions';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { startEngine, type Engine } from '../support/engine-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** `waiter` senses for a week on the one slot of pool `single`; `other` needs that slot for one quick task. */
function weekDags(mode: SensorMode) {
  const waiter = dag({ dagId: 'waiter' });
  waiter.task('wait', { pool: 'single', retries: 2 }, timeDeltaSensor({ delta: '7d', pokeInterval: '10h', timeout: '8d', mode }));
  const other = dag({ dagId: 'other' });
  other.task('work', { pool: 'single' }, () => 'done');
  return [waiter, other];
}

async function engineWithSinglePool(dags: ReturnType<typeof weekDags>, services = false): Promise<Engine> {
  engine = await startEngine(dags, { services });
  await engine.db.sql.query(`INSERT INTO pool (pool, slots, description) VALUES ('single', 1, 'one slot')`);
  return engine;
}

interface TiRow {
  state: string;
  try_number: number;
  start_date: Date | null;
  end_date: Date | null;
  first_poke_at: Date | null;
  next_retry_at: Date | null;
  last_error: string | null;
}

async function ti(e: Engine, dagId: string, taskId: string): Promise<TiRow> {
  const [row] = await e.db.sql.query<TiRow>(
    `SELECT state, try_number, start_date, end_date, first_poke_at, next_retry_at, last_error
     FROM task_instance WHERE dag_id = $1 AND task_id = $2`,
    [dagId, taskId],
  );
  return row!;
}

async function historyOf(e: Engine, taskId: string): Promise<string[]> {
  const rows = await e.db.sql.query<{ try_number: number; state: string; cause: string }>(
    `SELECT try_number, state, cause FROM task_instance_history WHERE task_id = $1 ORDER BY id`,
    [taskId],
  );
  return rows.map((r) => `#${r.try_number}:${r.state}:${r.cause}`);
}

describe('a sensor in reschedule mode', () => {
  it('waits a week on a pool of one slot while another task uses the slot, and succeeds as the week ends', async () => {
    const e = await engineWithSinglePool(weekDags('reschedule'));
    const started = e.clock.now();
    const run = await e.trigger('waiter');
    expect(await ti(e, 'waiter', 'wait')).toMatchObject({
      state: 'up_for_reschedule', try_number: 1, first_poke_at: started, next_retry_at: new Date(started.getTime() + 10 * HOUR),
    });
    // The scheduler's poll wakes for the next poke as it does for a retry.
    expect(await sqlRunStore(e.db.sql).nextRetryAt()).toEqual(new Date(started.getTime() + 10 * HOUR));

    const otherRun = await e.trigger('other');
    expect(await e.states(otherRun)).toEqual({ work: 'success' });

    const target = new Date(started.getTime() + 7 * DAY);
    while (e.clock.now() < target) {
      const waiting = await ti(e, 'waiter', 'wait');
      expect(waiting).toMatchObject({ state: 'up_for_reschedule', try_number: 1 });
      expect(await e.runState(run)).toBe('running');
      await e.advance(waiting.next_retry_at!.getTime() - e.clock.now().getTime());
    }
    const wait = await ti(e, 'waiter', 'wait');
    expect(wait).toMatchObject({ state: 'success', try_number: 1, first_poke_at: null, start_date: started });
    // Poked 10 h after 160 h, it would succeed 2 h late: the last poke was rescheduled to the target itself.
    expect(wait.end_date).toEqual(target);
    expect(await e.runState(run)).toBe('success');
    // Its pokes are runs of one try: one history row, written when the try ended.
    expect(await historyOf(e, 'wait')).toEqual(['#1:success:scheduler']);
  });

  it('holds its slot in poke mode, so the other task waits for the whole week', async () => {
    const e = await engineWithSinglePool(weekDags('poke'));
    const started = e.clock.now();
    await e.trigger('waiter');
    const otherRun = await e.trigger('other');
    for (let waited = 0; waited < 7 * DAY; waited += DAY) {
      expect(await ti(e, 'waiter', 'wait')).toMatchObject({ state: 'running', try_number: 1 });
      expect(await e.states(otherRun)).toEqual({ work: 'scheduled' });
      await e.advance(DAY);
    }
    expect((await ti(e, 'waiter', 'wait')).state).toBe('success');
    expect(await e.states(otherRun)).toEqual({ work: 'success' });
    expect((await ti(e, 'other', 'work')).start_date!.getTime()).toBeGreaterThanOrEqual(started.getTime() + 7 * DAY);
  });

  it('succeeds within one poke interval of the condition holding (another DAG’s task, through the services)', async () => {
    const watcher = dag({ dagId: 'watcher' });
    watcher.task('wait', externalTaskSensor({ externalDagId: 'producer', externalTaskId: 'produce', mode: 'reschedule', pokeInterval: '1h' }));
    const producer = dag({ dagId: 'producer' });
    producer.task('produce', () => 'data');
    const e = await engineWithSinglePool([watcher, producer], true);
    const logicalDate = e.clock.now();
    await triggerDagRun(e.db.sql, { dagId: 'watcher', logicalDate }, e.clock.now());
    e.scheduler.wake();
    await e.settle();
    for (let i = 0; i < 6; i++) await e.advance(12 * HOUR);
    await e.advance(20 * 60_000);
    expect(await ti(e, 'watcher', 'wait')).toMatchObject({ state: 'up_for_reschedule', try_number: 1 });

    await triggerDagRun(e.db.sql, { dagId: 'producer', logicalDate }, e.clock.now());
    e.scheduler.wake();
    await e.settle();
    const produced = e.clock.now();
    expect((await ti(e, 'producer', 'produce')).state).toBe('success');
    for (let i = 0; i < 4; i++) await e.advance(15 * 60_000);
    const wait = await ti(e, 'watcher', 'wait');
    expect(wait).toMatchObject({ state: 'success', try_number: 1, start_date: logicalDate });
    expect(wait.end_date!.getTime() - produced.getTime()).toBeLessThanOrEqual(HOUR);
  });

  it('fails at its timeout, counted from the first poke, without spending its retries', async () => {
    const waiter = dag({ dagId: 'waiter' });
    waiter.task('wait', { retries: 3 }, timeDeltaSensor({ delta: '7d', pokeInterval: '6h', timeout: '1d', mode: 'reschedule' }));
    const e = await engineWithSinglePool([waiter]);
    const started = e.clock.now();
    const run = await e.trigger('waiter');
    for (let i = 0; i < 4; i++) await e.advance(6 * HOUR);
    const wait = await ti(e, 'waiter', 'wait');
    expect(wait).toMatchObject({ state: 'failed', try_number: 1, end_date: new Date(started.getTime() + DAY), first_poke_at: null });
    expect(wait.last_error).toMatch(/^NonRetriableError: sensor timed out after 86400 s waiting for /);
    expect(await e.runState(run)).toBe('failed');
    expect(await historyOf(e, 'wait')).toEqual(['#1:failed:scheduler']);
  });

  it('shows as up_for_reschedule through the API, and a person can clear it (a new try, a new timeout) or mark it', async () => {
    const [waiter] = weekDags('reschedule');
    const e = await engineWithSinglePool([waiter!]);
    const run = await e.trigger('waiter');
    await e.advance(10 * HOUR);
    const rt = { db: e.db, clock: e.clock, scheduler: e.scheduler };
    const key = { dagId: 'waiter', runId: run.runId, taskId: 'wait', mapIndex: -1 };
    expect(await getTaskInstanceOne(rt, key)).toMatchObject({ state: 'up_for_reschedule', try_number: 1 });
    const waiting = await listTaskInstancesPage(rt, '~', '~', { state: ['up_for_reschedule'], limit: 100, offset: 0 });
    expect(waiting.task_instances.map((t) => t.task_id)).toEqual(['wait']);

    const sel = { dagId: 'waiter', runId: run.runId, taskIds: ['wait'] };
    await clearTaskInstances(e.db.sql, sel, e.clock.now());
    await e.advance(1000); // the poll plans the running run again
    const cleared = e.clock.now();
    expect(await ti(e, 'waiter', 'wait')).toMatchObject({ state: 'up_for_reschedule', try_number: 2, first_poke_at: cleared, start_date: cleared });
    expect(await historyOf(e, 'wait')).toEqual(['#1:none:manual']);

    await markTaskInstances(e.db.sql, sel, 'success', e.clock.now());
    e.scheduler.wake();
    await e.advance(10 * HOUR);
    expect(await ti(e, 'waiter', 'wait')).toMatchObject({ state: 'success', try_number: 2, first_poke_at: null });
    expect(await e.runState(run)).toBe('success');
  });
});
