// afterNextTick() is how a scheduler process tells a webserver that the action it announced has been applied
// (scheduler-signals.ts): it must resolve after a tick that began after the call, even one that changed nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

function oneTaskDag() {
  const d = dag({ dagId: 'after_tick' });
  d.task('only', () => 'done');
  return d;
}

describe('Scheduler.afterNextTick', () => {
  it('resolves once a tick has applied a run another process created without waking the scheduler', async () => {
    engine = await startEngine([oneTaskDag()]);
    await engine.settle();
    const run = await triggerDagRun(engine.db.sql, { dagId: 'after_tick', conf: {} }, engine.clock.now());
    expect(await engine.runState(run)).toBe('queued');
    await engine.scheduler.afterNextTick();
    expect(await engine.runState(run)).not.toBe('queued');
  });

  it('resolves after a tick that changed nothing, and tells onTick nothing', async () => {
    const ticks: unknown[] = [];
    engine = await startEngine([oneTaskDag()], { listen: () => ({ onTick: (t) => ticks.push(t) }) });
    await engine.settle();
    const before = ticks.length;
    await engine.scheduler.afterNextTick();
    await engine.scheduler.afterNextTick();
    expect(ticks.length).toBe(before);
  });

  it('lets a waiter go when the scheduler stops, and answers at once after', async () => {
    engine = await startEngine([oneTaskDag()]);
    await engine.settle();
    const waiting = engine.scheduler.afterNextTick();
    await engine.scheduler.stop();
    await waiting;
    await engine.scheduler.afterNextTick();
  });
});
