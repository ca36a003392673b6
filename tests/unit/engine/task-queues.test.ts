// Task queues at DAG import (ADR 0028): the default, a DAG-wide default through defaultArgs, a task's own, and a name
// that no worker could be started for refused as an import error.
import { describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { compileDag } from '../../../lib/engine/compile-dag';
import { taskQueue } from '../../../lib/engine/task-queue';

const noop = () => null;

describe('task queues at DAG import', () => {
  it("puts tasks on 'default' unless the DAG's defaultArgs or the task name another queue", () => {
    const plain = dag({ dagId: 'plain' });
    plain.task('a', noop);
    const gpu = dag({ dagId: 'gpu_dag', defaultArgs: { queue: 'gpu' } });
    gpu.task('b', noop);
    gpu.task('c', { queue: 'cpu.large' }, noop);
    const [p, g] = [compileDag(plain, '/dags/plain.ts'), compileDag(gpu, '/dags/gpu.ts')];
    if (!p.ok || !g.ok) throw new Error('both DAGs should compile');
    expect(p.dag.tasks.map((t) => t.queue)).toEqual(['default']);
    expect(g.dag.tasks.map((t) => [t.task_id, t.queue])).toEqual([['b', 'gpu'], ['c', 'cpu.large']]);
  });

  it('refuses a queue name a worker could not be started for, naming the task', () => {
    const d = dag({ dagId: 'bad' });
    d.task('spaced', { queue: 'big gpu' }, noop);
    d.task('empty', { queue: '' }, noop);
    d.task('long', { queue: 'q'.repeat(65) }, noop);
    d.task('colon', { queue: 'a:b' }, noop);
    const r = compileDag(d, '/dags/bad.ts');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const id of ['spaced', 'empty', 'long', 'colon']) expect(r.errors.join('\n')).toContain(`task '${id}': queue `);
    expect(r.errors.join('\n')).toContain('a queue name is 1 to 64 letters, digits, dots, dashes and underscores');
  });

  it("reads a task serialized before queues existed as on 'default'", () => {
    expect(taskQueue({})).toBe('default');
    expect(taskQueue({ queue: 'gpu' })).toBe('gpu');
  });
});
