import { describe, expect, it } from 'vitest';
import { chain, dag, z } from 'flashflow';
import { compileDag } from '../../../lib/engine/compile-dag';

const noop = () => null;

describe('compiling a DAG', () => {
  it('serializes tasks, dependencies, defaults and params', () => {
    const d = dag({ dagId: 'etl', schedule: '@daily', defaultArgs: { retries: 2, retryDelay: '30s' }, params: z.object({ n: z.number().default(3) }) });
    const a = d.task('a', noop);
    const b = d.task('b', { retries: 0, triggerRule: 'all_done' }, noop);
    const c = d.task('c', noop);
    chain(a, [b, c]);
    const r = compileDag(d, '/dags/etl.ts');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const byId = Object.fromEntries(r.dag.tasks.map((t) => [t.task_id, t]));
    expect(byId.a!.downstream).toEqual(['b', 'c']);
    expect(byId.b!.upstream).toEqual(['a']);
    expect(byId.a!.retries).toBe(2);
    expect(byId.a!.retry_delay_ms).toBe(30_000);
    expect(byId.b!.retries).toBe(0);
    expect(byId.b!.trigger_rule).toBe('all_done');
    expect(r.dag.params_schema).toMatchObject({ type: 'object', properties: { n: { type: 'number', default: 3 } } });
  });

  it('reports every problem at once: cycle, duplicate and unknown upstream, bad cron', () => {
    const d = dag({ dagId: 'broken', schedule: '99 * * * *' });
    const a = d.task('a', noop);
    const b = d.task('b', noop);
    a.then(b).then(a);
    d.task('a', noop);
    d.task('c', noop).def.upstream.add('ghost');
    const r = compileDag(d, '/dags/broken.ts');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    expect(text).toContain("duplicate task id 'a'");
    expect(text).toContain("depends on unknown task 'ghost'");
    expect(text).toMatch(/cycle detected: (a → b → a|b → a → b)/);
    expect(text).toContain("invalid cron expression '99 * * * *'");
  });

  it('refuses ids with spaces and scheduled DAGs whose params have no defaults', () => {
    const d = dag({ dagId: 'has space', schedule: '@daily', params: z.object({ deck: z.string() }) });
    d.task('ok', noop);
    const r = compileDag(d, '/x.ts');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toContain("dag id 'has space' is invalid");
    expect(r.errors.join('\n')).toContain('params have required fields without defaults');
  });
});
