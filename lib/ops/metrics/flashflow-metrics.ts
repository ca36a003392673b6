// Prometheus metrics of one runtime, on a registry of its own (never prom-client's global one, so two runtimes in
// one process — tests, the CLI — never share or double-register series). Three sources:
//  - events pushed by the scheduler (onTick, onTryEnded): tick durations, tries ended, tasks queued;
//  - gauges read at scrape time: run / task-instance states (one SQL statement), pool usage, executor slots,
//    scheduler heartbeat;
//  - append-only tables tailed past a high-water mark at scrape time (lib/store/row-tail.ts): task durations from
//    task_instance_history, LLM attempts / latency / tokens from llm_attempt.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TickStats, TryEndedEvent } from '../../engine/scheduler';
import { DAG_RUN_STATES, TASK_STATES } from '../../engine/task-states';
import type { SqlClient } from '../../store/database';
import { LLM_ATTEMPTS_SINCE, poolUsage, stateCounts, TRIES_SINCE, type LlmAttemptRow, type TryHistoryRow } from '../../store/metrics-queries';
import { RowTail } from '../../store/row-tail';

export interface MetricsSources {
  sql: SqlClient;
  /** Free executor slots now (LocalExecutor.openSlots); absent in a process without an executor. */
  openSlots?: () => number;
  /** The scheduler's last heartbeat (Scheduler.latestHeartbeat). */
  heartbeat?: () => Date | null;
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  log?: (level: 'warn', message: string) => void;
}

const TICK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const TASK_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 10800];
const LLM_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

export class FlashflowMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private readonly tickDuration = new Histogram({ name: 'flashflow_scheduler_tick_duration_seconds', help: 'Duration of scheduler ticks that changed something.', buckets: TICK_BUCKETS, registers: [this.registry] });
  private readonly tasksQueued = new Counter({ name: 'flashflow_scheduler_tasks_queued_total', help: 'Task tries the scheduler handed to the executor.', registers: [this.registry] });
  private readonly heartbeat = new Gauge({ name: 'flashflow_scheduler_heartbeat_timestamp_seconds', help: 'Unix time of the scheduler\'s last heartbeat (0 before the first).', registers: [this.registry] });
  private readonly triesEnded = new Counter({ name: 'flashflow_task_tries_ended_total', help: 'Task tries that ended, by DAG and end state.', labelNames: ['dag_id', 'state'] as const, registers: [this.registry] });
  private readonly taskDuration = new Histogram({ name: 'flashflow_task_duration_seconds', help: 'Duration of ended task tries (start to end), from task_instance_history.', labelNames: ['dag_id', 'task_id', 'state'] as const, buckets: TASK_BUCKETS, registers: [this.registry] });
  private readonly dagRuns = new Gauge({ name: 'flashflow_dag_runs', help: 'DAG runs by state.', labelNames: ['state'] as const, registers: [this.registry] });
  private readonly taskInstances = new Gauge({ name: 'flashflow_task_instances', help: 'Task instances by state.', labelNames: ['state'] as const, registers: [this.registry] });
  private readonly openSlots = new Gauge({ name: 'flashflow_executor_open_slots', help: 'Tries the executor could start now.', registers: [this.registry] });
  private readonly queueDepth = new Gauge({ name: 'flashflow_executor_queue_depth', help: 'Task instances waiting to start: scheduled (for a slot or pool) plus queued (handed to the executor).', registers: [this.registry] });
  private readonly running = new Gauge({ name: 'flashflow_executor_running_tasks', help: 'Task instances running.', registers: [this.registry] });
  private readonly poolTotal = new Gauge({ name: 'flashflow_pool_slots', help: 'Slots of each pool.', labelNames: ['pool'] as const, registers: [this.registry] });
  private readonly poolUsed = new Gauge({ name: 'flashflow_pool_used_slots', help: 'Pool slots held by queued and running tries.', labelNames: ['pool'] as const, registers: [this.registry] });
  private readonly poolOpen = new Gauge({ name: 'flashflow_pool_open_slots', help: 'Pool slots free (may be negative after a pool shrank).', labelNames: ['pool'] as const, registers: [this.registry] });
  private readonly poolScheduled = new Gauge({ name: 'flashflow_pool_scheduled_slots', help: 'Pool slots wanted by scheduled tries waiting to be queued.', labelNames: ['pool'] as const, registers: [this.registry] });
  private readonly llmAttempts = new Counter({ name: 'flashflow_llm_attempts_total', help: 'LLM attempts of the flashcard workflow, by model, validity and first reason code ("none" when valid).', labelNames: ['model', 'valid', 'reason'] as const, registers: [this.registry] });
  private readonly llmLatency = new Histogram({ name: 'flashflow_llm_latency_seconds', help: 'Latency of LLM attempts.', labelNames: ['model'] as const, buckets: LLM_BUCKETS, registers: [this.registry] });
  private readonly llmTokens = new Counter({ name: 'flashflow_llm_tokens_total', help: 'Tokens of LLM attempts, by kind (prompt, completion).', labelNames: ['model', 'kind'] as const, registers: [this.registry] });
  private readonly refreshErrors = new Counter({ name: 'flashflow_metrics_refresh_errors_total', help: 'Scrapes whose database-backed metrics could not be refreshed (their last values were served).', registers: [this.registry] });

  private readonly tries: RowTail<TryHistoryRow>;
  private readonly attempts: RowTail<LlmAttemptRow>;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly sources: MetricsSources) {
    if (sources.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.tries = new RowTail(sources.sql, TRIES_SINCE, 'task_instance_history');
    this.attempts = new RowTail(sources.sql, LLM_ATTEMPTS_SINCE, 'llm_attempt');
    this.heartbeat.set(0);
  }

  /** Sets the high-water marks of the tailed tables: rows written before this call are not counted. */
  async start(): Promise<void> {
    await Promise.all([this.tries.start(), this.attempts.start()]);
  }

  /** Scheduler onTick listener. */
  readonly onTick = (stats: TickStats): void => {
    this.tickDuration.observe(stats.durationMs / 1000);
    if (stats.queued) this.tasksQueued.inc(stats.queued);
  };

  /** Scheduler onTryEnded listener. */
  readonly onTryEnded = (event: TryEndedEvent): void => {
    this.triesEnded.inc({ dag_id: event.dagId, state: event.state });
  };

  /** The exposition text (text/plain; version=0.0.4) after refreshing what is read at scrape time. */
  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  /** Concurrent scrapes share one refresh, so tailed rows are never counted twice. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshFromSources()
      .catch((err: Error) => {
        this.refreshErrors.inc();
        this.sources.log?.('warn', `metrics: cannot read the database: ${err.message}`);
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private async refreshFromSources(): Promise<void> {
    const { sql, openSlots, heartbeat } = this.sources;
    if (openSlots) this.openSlots.set(openSlots());
    const beat = heartbeat?.();
    if (beat) this.heartbeat.set(beat.getTime() / 1000);

    const counts = await stateCounts(sql);
    const byKind = { dag_run: new Map<string, number>(), task_instance: new Map<string, number>() };
    for (const c of counts) byKind[c.kind].set(c.state, c.n);
    // Every known state is exported, 0 included, so a state that empties shows 0 rather than vanishing.
    for (const state of new Set([...DAG_RUN_STATES, ...byKind.dag_run.keys()])) this.dagRuns.set({ state }, byKind.dag_run.get(state) ?? 0);
    for (const state of new Set([...TASK_STATES, ...byKind.task_instance.keys()])) this.taskInstances.set({ state }, byKind.task_instance.get(state) ?? 0);
    const ti = (state: string) => byKind.task_instance.get(state) ?? 0;
    this.queueDepth.set(ti('scheduled') + ti('queued'));
    this.running.set(ti('running'));

    const pools = await poolUsage(sql);
    for (const g of [this.poolTotal, this.poolUsed, this.poolOpen, this.poolScheduled]) g.reset(); // a deleted pool goes away
    for (const p of pools) {
      this.poolTotal.set({ pool: p.pool }, p.slots);
      this.poolUsed.set({ pool: p.pool }, p.used);
      this.poolOpen.set({ pool: p.pool }, p.slots - p.used);
      this.poolScheduled.set({ pool: p.pool }, p.scheduled);
    }

    for await (const rows of this.tries.read()) {
      for (const r of rows) {
        if (r.duration !== null) this.taskDuration.observe({ dag_id: r.dag_id, task_id: r.task_id, state: r.state }, r.duration);
      }
    }
    for await (const rows of this.attempts.read()) {
      for (const r of rows) {
        const reason = r.valid ? 'none' : (r.reason ?? 'unknown');
        this.llmAttempts.inc({ model: r.model, valid: String(r.valid), reason });
        this.llmLatency.observe({ model: r.model }, r.latency_ms / 1000);
        if (r.prompt_tokens !== null) this.llmTokens.inc({ model: r.model, kind: 'prompt' }, r.prompt_tokens);
        if (r.completion_tokens !== null) this.llmTokens.inc({ model: r.model, kind: 'completion' }, r.completion_tokens);
      }
    }
  }
}
