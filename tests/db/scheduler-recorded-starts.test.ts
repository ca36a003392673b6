// A try's start travels in a quiet batch, so for a moment it runs while the database says queued; a service call
// that changes something waits until the start is written (ADR 0018). Real scheduler and database, inline tasks.
import { afterEach, describe, expect, it } from 'vitest';
import { dag, type TaskContext } from 'flashflow';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function ownRow(ctx: TaskContext): Promise<{ id: string; state: string }> {
  const [row] = await engine!.db.sql.query<{ id: string; state: string }>(
    `SELECT id, state FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3`,
    [ctx.dagId, ctx.runId, ctx.taskId],
  );
  return row!;
}

describe('scheduler: a try is recorded as started before its service calls change anything', () => {
  it('startRecorded() resolves once the database holds the try as running, without waiting out the quiet delay', async () => {
    // A minute of quiet delay: the run finishes within the test's timeout only if startRecorded() flushes the batch.
    const seen: string[] = [];
    const d = dag({ dagId: 'side_effect' });
    d.task('write', async (ctx) => {
      const before = await ownRow(ctx);
      seen.push(before.state);
      await engine!.scheduler.startRecorded(before.id, ctx.tryNumber);
      seen.push((await ownRow(ctx)).state);
      return null;
    });
    engine = await startEngine([d], { quietEventDelayMs: 60_000 });
    const run = await engine.trigger('side_effect');
    expect(seen).toEqual(['queued', 'running']);
    expect(await engine.runState(run)).toBe('success');
  });

  it('answers at once for a try whose start is already written', async () => {
    const d = dag({ dagId: 'late_call' });
    let answeredAt: string | null = null;
    d.task('wait_then_write', async (ctx) => {
      const { id } = await ownRow(ctx);
      await engine!.scheduler.startRecorded(id, ctx.tryNumber);
      const again = engine!.scheduler.startRecorded(id, ctx.tryNumber);
      answeredAt = await Promise.race([again.then(() => 'at once'), new Promise<string>((r) => setImmediate(() => r('later')))]);
      return null;
    });
    engine = await startEngine([d]);
    await engine.trigger('late_call');
    expect(answeredAt).toBe('at once');
  });
});
