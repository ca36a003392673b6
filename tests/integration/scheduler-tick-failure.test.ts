// A tick whose writes fail (the database blinked) must not lose the executor events it took: a lost 'finished'
// would leave its try running for ever. Real scheduler and database, inline tasks, one failing write.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('scheduler: a tick that fails to write its events', () => {
  it('applies them on a later tick, and the run ends', async () => {
    const d = dag({ dagId: 'blink' });
    const first = d.task('first', () => 1);
    const second = d.task('second', () => 2);
    first.then(second);
    let failures = 0;
    engine = await startEngine([d], {
      store: (store) => ({
        ...store,
        finishTries: async (finishes, logs) => {
          if (failures++ === 0) throw new Error('connection reset by peer');
          return store.finishTries(finishes, logs);
        },
      }),
    });
    const run = await triggerDagRun(engine.db.sql, { dagId: 'blink', conf: {} }, engine.clock.now());
    engine.scheduler.wake();
    // Not engine.trigger(): it waits for the scheduler to be idle, and a failed tick waits a poll interval on the
    // scheduler's (fake) clock before it tries again.
    for (let i = 0; i < 200 && failures === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 5 && (await engine.runState(run)) !== 'success'; i++) await engine.advance(1_000);
    expect(failures).toBeGreaterThan(1);
    expect(await engine.states(run)).toEqual({ first: 'success', second: 'success' });
    expect(await engine.runState(run)).toBe('success');
  });
});
