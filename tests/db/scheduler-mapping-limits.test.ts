// Mapping limits of ADR 0032 in the scheduler: a list longer than max_map_length fails the try that returned it
// (checked again here for a worker whose own setting is higher), and a task downstream of a mapped task gets a job
// that names the mapped task instead of carrying all its results; the runner pulls them.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import type { TaskJob } from '../../lib/engine/executor-port';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

function mappedDag(gathered: unknown[]) {
  const d = dag({ dagId: 'mapping_limits' });
  const items = d.task('items', (ctx) => Array.from({ length: Number(ctx.params.n) }, (_, i) => i));
  const each = d.task('each', { expand: items }, (ctx) => Number(ctx.item) * 10);
  d.task('gather', { inputs: { each } }, (ctx) => {
    gathered.push(ctx.inputs.each);
    return ctx.inputs.each.length;
  });
  return d;
}

describe('mapping limits', () => {
  it('fails the try whose list is longer than max_map_length, naming both numbers, and expands nothing', async () => {
    engine = await startEngine([mappedDag([])], { maxMapLength: 3 });
    const run = await engine.trigger('mapping_limits', { n: 4 });
    expect(await engine.states(run)).toMatchObject({ items: 'failed' });
    const [ti] = await engine.db.sql.query<{ last_error: string }>(`SELECT last_error FROM task_instance WHERE task_id = 'items'`);
    expect(ti!.last_error).toContain("returned a list of 4 items for mapped task 'each'");
    expect(ti!.last_error).toContain('FLASHFLOW_MAX_MAP_LENGTH=3');
    const mapped = await engine.db.sql.query(`SELECT map_index FROM task_instance WHERE task_id = 'each' AND map_index >= 0`);
    expect(mapped).toEqual([]);
    expect(await engine.runState(run)).toBe('failed');
  });

  it('sends the downstream of a mapped task a reference, and the task still receives every result', async () => {
    const gathered: unknown[] = [];
    engine = await startEngine([mappedDag(gathered)], { maxMapLength: 3 });
    const run = await engine.trigger('mapping_limits', { n: 3 });
    expect(await engine.runState(run)).toBe('success');
    const job = engine.executor.submitted.find((j): j is TaskJob => j.type === 'task' && j.taskId === 'gather')!;
    expect(job.pullUpstream).toEqual(['each']);
    expect(job.upstream).toEqual({});
    expect(gathered).toEqual([[0, 10, 20]]);
  });
});
