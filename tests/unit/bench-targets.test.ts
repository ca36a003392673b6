// `npm run bench -- --check`: how a measure is judged against its targets, and which misses it collects.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { missedTargets, report } from '../../bench/report';
import { judge, judgeMeasure, TARGETS } from '../../bench/targets';

describe('bench targets', () => {
  afterEach(() => vi.restoreAllMocks());

  it('judges a bound on the value, both ways, the bound itself included', () => {
    expect(judge({ atMost: 2 }, 2, 's', null)).toEqual({ met: true, text: '≤ 2 s' });
    expect(judge({ atMost: 2 }, 2.01, 's', null).met).toBe(false);
    expect(judge({ atLeast: 0.5 }, 0.5, '×', null)).toEqual({ met: true, text: '≥ 0.5 ×' });
    expect(judge({ atLeast: 0.5 }, 0.49, '×', null).met).toBe(false);
  });

  it('judges a ratio to the baseline, and misses it without one', () => {
    expect(judge({ ratioAtMost: 4 }, 3.9, 's', 1)).toEqual({ met: true, text: '≤ 4 × baseline (3.90 ×)' });
    expect(judge({ ratioAtMost: 4 }, 4.2, 's', 1).met).toBe(false);
    expect(judge({ ratioAtMost: 4 }, 1, 's', null)).toEqual({ met: false, text: '≤ 4 × baseline (no baseline)' });
  });

  it('never counts NaN (a measure that produced nothing) as met', () => {
    expect(judge({ atMost: 2 }, NaN, 's', null).met).toBe(false);
    expect(judge({ atLeast: 0.5 }, NaN, '×', null).met).toBe(false);
  });

  it('gives every target of a named measure, and none to a measure without one', () => {
    expect(judgeMeasure('scheduler_100x10_linear_s', 1.5, 's', 1).map((v) => v.met)).toEqual([true, true]);
    expect(judgeMeasure('scheduler_100x10_linear_s', 1.8, 's', 0.3).map((v) => v.met)).toEqual([true, false]);
    expect(judgeMeasure('rss_bench_mb', 1e9, 'MiB', null)).toEqual([]);
    expect(Object.keys(TARGETS)).toContain('dashboard_page_data_p95_ms');
  });

  it('prints the verdict on the measure line and in its BENCH line, and collects the misses', () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const before = missedTargets().missed.length;
    report({ name: 'hop_latency_p50_ms', value: 12, unit: 'ms' });
    report({ name: 'hop_latency_p95_ms', value: 20, unit: 'ms' });
    expect(out[0]).toContain('target ≤ 10 ms MISSED');
    expect(JSON.parse(out[1]!.replace(/^BENCH /, ''))).toMatchObject({ name: 'hop_latency_p50_ms', targets: [{ target: '≤ 10 ms', met: false }] });
    expect(out[2]).toContain('target ≤ 50 ms');
    expect(out[2]).not.toContain('MISSED');
    expect(missedTargets().missed.slice(before)).toEqual([{ name: 'hop_latency_p50_ms', value: 12, unit: 'ms', target: '≤ 10 ms' }]);
  });
});
