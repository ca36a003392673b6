// Prometheus metrics of a runtime: values move when the scheduler runs DAGs (FakeClock harness on a real PGlite),
// LLM attempts are counted past the start-up high-water mark, and GET /metrics serves the exposition text.
import { afterEach, describe, expect, it } from 'vitest';
import { GET } from '../../app/metrics/route';
import { dag, type Dag } from 'flashflow';
import { FlashflowMetrics } from '../../lib/ops/metrics/flashflow-metrics';
import { setRuntime } from '../../lib/runtime/app-context';
import type { Runtime } from '../../lib/runtime/start-runtime';
import type { SqlClient } from '../../lib/store/database';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  setRuntime(null);
  await engine?.close();
  engine = null;
});

/** An engine whose scheduler feeds the metrics, as startRuntime wires it; call `metrics.start()` to begin counting. */
async function startWithMetrics(dags: Dag[], opts: { slots?: number } = {}): Promise<[Engine, FlashflowMetrics]> {
  let metrics: FlashflowMetrics | null = null;
  const e: Engine = await startEngine(dags, {
    ...opts,
    listen: (db) => {
      metrics = new FlashflowMetrics({ sql: db.sql, openSlots: () => e.executor.openSlots(), heartbeat: () => e.scheduler.latestHeartbeat });
      return { onTick: metrics.onTick, onTryEnded: metrics.onTryEnded };
    },
  });
  return [e, metrics!];
}

/** `name{labels} value` lines of the exposition text, as a map from series to value. */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

function etlDag() {
  const d = dag({ dagId: 'etl' });
  let calls = 0;
  const extract = d.task('extract', () => [1, 2, 3]);
  const load = d.task('load', { retries: 1, retryDelay: '1m', pool: 'llm' }, () => {
    calls++;
    if (calls === 1) throw new Error('flaky');
    return 'ok';
  });
  extract.then(load);
  return d;
}

async function insertAttempt(sql: SqlClient, a: { model: string; valid: boolean; reasons: string[]; latencyMs: number; prompt: number; completion: number }): Promise<void> {
  await sql.query(
    `INSERT INTO llm_attempt (dag_id, run_id, task_id, try_number, word, attempt, model, provider, prompt_version, strategy,
       request_messages, valid, outcome, reason_codes, example_length, translation_length, max_chars, latency_ms, prompt_tokens,
       completion_tokens)
     VALUES ('french_flashcards', 'r1', 'generate_card', 1, 'chat', 1, $1, 'fake', 'v1', 'json_schema', '[]'::jsonb, $2,
       CASE WHEN $2 THEN 'valid' ELSE 'invalid' END, $3::jsonb, 12, 14, 20, $4, $5, $6)`,
    [a.model, a.valid, JSON.stringify(a.reasons), a.latencyMs, a.prompt, a.completion],
  );
}

describe('metrics', () => {
  it('moves run, task, tick, duration and pool metrics as a DAG runs', async () => {
    const [e, metrics] = await startWithMetrics([etlDag()], { slots: 8 });
    engine = e;
    await metrics.start();
    const before = parse(await metrics.render());
    expect(before.get('flashflow_dag_runs{state="success"}')).toBe(0);
    expect(before.get('flashflow_task_instances{state="success"}')).toBe(0);
    expect(before.get('flashflow_pool_slots{pool="llm"}')).toBe(4);
    expect(before.get('flashflow_pool_open_slots{pool="default_pool"}')).toBe(128);
    expect(before.get('flashflow_executor_open_slots')).toBe(8);
    expect(before.has('flashflow_task_tries_ended_total{dag_id="etl",state="success"}')).toBe(false);

    const run = await engine.trigger('etl');
    const mid = parse(await metrics.render());
    expect(mid.get('flashflow_task_instances{state="up_for_retry"}')).toBe(1);
    expect(mid.get('flashflow_dag_runs{state="running"}')).toBe(1);
    expect(mid.get('flashflow_task_tries_ended_total{dag_id="etl",state="up_for_retry"}')).toBe(1);

    await engine.advance(60_000);
    expect(await engine.runState(run)).toBe('success');
    const after = parse(await metrics.render());
    expect(after.get('flashflow_dag_runs{state="success"}')).toBe(1);
    expect(after.get('flashflow_dag_runs{state="running"}')).toBe(0);
    expect(after.get('flashflow_task_instances{state="success"}')).toBe(2);
    expect(after.get('flashflow_task_tries_ended_total{dag_id="etl",state="success"}')).toBe(2);
    expect(after.get('flashflow_task_tries_ended_total{dag_id="etl",state="up_for_retry"}')).toBe(1);
    expect(after.get('flashflow_scheduler_tasks_queued_total')).toBe(3);
    expect(after.get('flashflow_scheduler_tick_duration_seconds_count')).toBeGreaterThan(before.get('flashflow_scheduler_tick_duration_seconds_count')!);
    // Three tries ended (history rows), each with a known duration (0 s on the fake clock).
    expect(after.get('flashflow_task_duration_seconds_count{dag_id="etl",task_id="load",state="success"}')).toBe(1);
    expect(after.get('flashflow_task_duration_seconds_count{dag_id="etl",task_id="load",state="up_for_retry"}')).toBe(1);
    expect(after.get('flashflow_task_duration_seconds_count{dag_id="etl",task_id="extract",state="success"}')).toBe(1);
    expect(after.get('flashflow_executor_queue_depth')).toBe(0);
    expect(after.get('flashflow_pool_used_slots{pool="llm"}')).toBe(0);
    expect(after.get('flashflow_scheduler_heartbeat_timestamp_seconds')).toBe(engine.scheduler.latestHeartbeat!.getTime() / 1000);
    // Process metrics of prom-client, on this registry.
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // A second scrape reads no history twice.
    const again = parse(await metrics.render());
    expect(again.get('flashflow_task_duration_seconds_count{dag_id="etl",task_id="load",state="success"}')).toBe(1);
  });

  it('counts LLM attempts, latency and tokens written after start-up, by model, validity and reason', async () => {
    const [e, metrics] = await startWithMetrics([]);
    engine = e;
    const sql = engine.db.sql;
    await insertAttempt(sql, { model: 'old', valid: true, reasons: [], latencyMs: 100, prompt: 1, completion: 1 });
    await metrics.start();
    await insertAttempt(sql, { model: 'gpt-x', valid: false, reasons: ['example_too_long', 'translation_too_long'], latencyMs: 1200, prompt: 50, completion: 20 });
    await insertAttempt(sql, { model: 'gpt-x', valid: true, reasons: [], latencyMs: 800, prompt: 60, completion: 18 });
    const [first, second] = await Promise.all([metrics.render(), metrics.render()]); // concurrent scrapes share a refresh
    const m = parse(second);
    expect(parse(first).get('flashflow_llm_attempts_total{model="gpt-x",valid="true",reason="none"}')).toBe(1);
    expect(m.get('flashflow_llm_attempts_total{model="gpt-x",valid="false",reason="example_too_long"}')).toBe(1);
    expect(m.get('flashflow_llm_attempts_total{model="gpt-x",valid="true",reason="none"}')).toBe(1);
    expect(m.has('flashflow_llm_attempts_total{model="old",valid="true",reason="none"}')).toBe(false);
    expect(m.get('flashflow_llm_tokens_total{model="gpt-x",kind="prompt"}')).toBe(110);
    expect(m.get('flashflow_llm_tokens_total{model="gpt-x",kind="completion"}')).toBe(38);
    expect(m.get('flashflow_llm_latency_seconds_count{model="gpt-x"}')).toBe(2);
    expect(m.get('flashflow_llm_latency_seconds_sum{model="gpt-x"}')).toBeCloseTo(2.0);
    expect(m.get('flashflow_llm_latency_seconds_bucket{le="1",model="gpt-x"}')).toBe(1);

    await insertAttempt(sql, { model: 'gpt-x', valid: true, reasons: [], latencyMs: 500, prompt: 10, completion: 10 });
    expect(parse(await metrics.render()).get('flashflow_llm_attempts_total{model="gpt-x",valid="true",reason="none"}')).toBe(2);
  });

  it('serves GET /metrics as Prometheus text, and a problem when the engine is not running', async () => {
    const [e, metrics] = await startWithMetrics([etlDag()]);
    engine = e;
    await metrics.start();
    await engine.trigger('etl');
    setRuntime({ metrics } as unknown as Runtime);
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(body).toContain('# TYPE flashflow_task_tries_ended_total counter');
    expect(parse(body).get('flashflow_task_tries_ended_total{dag_id="etl",state="success"}')).toBe(1);

    setRuntime(null);
    const down = await GET();
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
  });
});
