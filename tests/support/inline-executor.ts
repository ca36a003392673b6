// A test double of the Executor port that runs task functions (and operators that need no subprocess, such as the
// sensors) of in-memory DAGs in this process, so scheduler tests can drive time with a FakeClock. Production always
// uses a real executor.
import type { Dag } from '../../lib/engine/dag-builder';
import type { Executor, ExecutorEvent, ExecutorJob, ServiceHandler, TaskJob } from '../../lib/engine/executor-port';
import { buildTaskContext, pullDeferredUpstream, resultToStore } from '../../lib/executors/local/build-task-context';
import { errorToOutcome } from '../../lib/executors/local/task-errors';
import type { Clock } from '../../lib/kernel/clock';
import type { OperatorRun } from '../../lib/operators/operator-context';
import { loadOperator } from '../../lib/operators/registry';

export class InlineExecutor implements Executor {
  private listeners: Array<(e: ExecutorEvent) => void> = [];
  private running = 0;
  private readonly operators = new Map<string, OperatorRun>();
  readonly submitted: ExecutorJob[] = [];
  readonly callbacks: Array<{ dagId: string; taskId: string | null; kind: string }> = [];

  constructor(
    private readonly dags: Map<string, Dag>,
    private readonly clock: Clock,
    private readonly slots = 16,
    /** Answers the tasks' service calls; without it a call fails the try. */
    private readonly services?: ServiceHandler,
  ) {}

  openSlots(): number {
    return this.slots - this.running;
  }

  submit(job: ExecutorJob): void {
    this.submitted.push(job);
    if (job.type === 'callback') {
      this.callbacks.push({ dagId: job.dagId, taskId: job.taskId, kind: job.kind });
      queueMicrotask(() => this.emit({ type: 'callback_finished', id: job.id, ok: true, error: null, at: this.clock.now() }));
      return;
    }
    this.running++;
    void this.run(job);
  }

  kill(): void {}
  onEvent(listener: (e: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }
  /** Loads the operators the DAGs use: a first import takes real time, which a test's settle() does not wait for. */
  async start(): Promise<void> {
    for (const dag of this.dags.values()) {
      for (const def of dag.tasks.values()) {
        if (def.operator !== 'function' && !this.operators.has(def.operator)) this.operators.set(def.operator, (await loadOperator(def.operator))!);
      }
    }
  }
  async stop(): Promise<void> {}

  private async run(job: TaskJob): Promise<void> {
    await Promise.resolve();
    const at = () => this.clock.now();
    this.emit({ type: 'started', tiId: job.tiId, tryNumber: job.tryNumber, pid: process.pid, hostname: 'inline', at: at() });
    const dag = this.dags.get(job.dagId)!;
    const def = dag.tasks.get(job.taskId)!;
    try {
      const params = dag.config.params ? dag.config.params.parse(job.conf) : job.conf;
      const send = async (method: string, input: unknown) => {
        if (this.services) return this.services(job, method, input);
        throw new Error(`the inline executor answers no service (${method})`);
      };
      const ctx = buildTaskContext(dag, def, await pullDeferredUpstream(job, send), {
        params,
        log: { info: () => {}, warn: () => {}, error: () => {} },
        signal: new AbortController().signal,
        send,
      });
      const value = def.operator === 'function'
        ? await def.fn!(ctx)
        : await (this.operators.get(def.operator) ?? (await loadOperator(def.operator))!)(def.args, {
          ...ctx,
          output: () => {},
          processEnv: process.env,
          trackProcessGroup: () => () => {},
          termGraceMs: 0,
          clock: this.clock,
          firstPokeAt: job.firstPokeAt === null ? null : new Date(job.firstPokeAt),
        });
      const xcom = resultToStore(def, value) ?? null;
      this.running--;
      this.emit({ type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, outcome: { status: 'success', xcom }, at: at() });
    } catch (err) {
      this.running--;
      this.emit({ type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, at: at(), outcome: errorToOutcome(err) });
    }
  }

  private emit(e: ExecutorEvent): void {
    for (const l of this.listeners) l(e);
  }
}
