// A test double of the Executor port that runs task functions of in-memory DAGs in this process, so
// scheduler tests can drive time with a FakeClock. Production always uses a real executor.
import type { Dag } from '../../lib/engine/dag-builder';
import type { Executor, ExecutorEvent, ExecutorJob, TaskJob } from '../../lib/engine/executor-port';
import { NonRetriableError, SkipTaskError } from '../../lib/engine/task-context';
import { buildTaskContext, resultToStore } from '../../lib/executors/local/build-task-context';
import type { Clock } from '../../lib/kernel/clock';

export class InlineExecutor implements Executor {
  private listeners: Array<(e: ExecutorEvent) => void> = [];
  private running = 0;
  readonly submitted: ExecutorJob[] = [];
  readonly callbacks: Array<{ dagId: string; taskId: string | null; kind: string }> = [];

  constructor(
    private readonly dags: Map<string, Dag>,
    private readonly clock: Clock,
    private readonly slots = 16,
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
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private async run(job: TaskJob): Promise<void> {
    await Promise.resolve();
    const at = () => this.clock.now();
    this.emit({ type: 'started', tiId: job.tiId, tryNumber: job.tryNumber, pid: process.pid, hostname: 'inline', at: at() });
    const dag = this.dags.get(job.dagId)!;
    const def = dag.tasks.get(job.taskId)!;
    try {
      const params = dag.config.params ? dag.config.params.parse(job.conf) : job.conf;
      const ctx = buildTaskContext(dag, def, job, {
        params,
        log: { info: () => {}, warn: () => {}, error: () => {} },
        signal: new AbortController().signal,
        // Services are the real runner's business (executor-local.test.ts); scheduler tests answer none.
        send: async (method) => {
          throw new Error(`the inline executor answers no service (${method})`);
        },
      });
      const xcom = resultToStore(def, await def.fn!(ctx)) ?? null;
      this.running--;
      this.emit({ type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, outcome: { status: 'success', xcom }, at: at() });
    } catch (err) {
      this.running--;
      const e = err as Error;
      this.emit({
        type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, at: at(),
        outcome: e instanceof SkipTaskError
          ? { status: 'skipped', reason: e.message }
          : { status: 'failed', error: { name: e.name, message: e.message, retriable: !(e instanceof NonRetriableError) } },
      });
    }
  }

  private emit(e: ExecutorEvent): void {
    for (const l of this.listeners) l(e);
  }
}
