// The LocalExecutor: a pool of warm runner processes, each running several tries at once, so task code never
// runs in the server's event loop and a crash, hang or OOM of a task costs at most its runner process.
// Every job submitted ends in exactly one 'finished' / 'callback_finished' event, whatever happens to it.
import type { CallbackJob, Executor, ExecutorEvent, ExecutorJob, TaskFailure } from '../../engine/executor-port';
import { resolveOptions, type LocalExecutorOptions, type ResolvedOptions } from './local-executor-options';
import { ZodError } from 'zod';
import { isPermanentError } from '../../kernel/errors';
import { formatZodIssues } from '../../kernel/zod-issues';
import { eventKey, jobKey, taskKey, type ChildMessage, type RunnerConfig } from './protocol';
import { RunnerProcess, type PoolJob } from './runner-process';
import { formatDuration } from './task-errors';

export type { LocalExecutorOptions } from './local-executor-options';

/** A runner that has not booted by then is killed (a cold start takes ≈ 250 ms). */
const BOOT_TIMEOUT_MS = 30_000;
/** After stop() asked runners to exit, how long before they are SIGKILLed. */
const SHUTDOWN_KILL_MS = 1_000;

export class LocalExecutor implements Executor {
  private readonly processes: number;
  private readonly concurrency: number;
  private readonly killGraceMs: number;
  private readonly unresponsiveMs: number;
  private readonly heartbeatMs: number;
  private readonly config: RunnerConfig;
  private readonly logger: (msg: string) => void;
  private readonly options: ResolvedOptions;
  private readonly procs: RunnerProcess[] = [];
  private readonly listeners: Array<(event: ExecutorEvent) => void> = [];
  private idleWaiters: Array<() => void> = [];
  private watchdog: NodeJS.Timeout | undefined;
  private stopping = false;
  /** stop() has told the runners to exit: tries still in them were ended by the stop, not by a crash. */
  private shuttingDown = false;
  private stopped: Promise<void> | null = null;

  constructor(options: LocalExecutorOptions = {}) {
    this.options = resolveOptions(options);
    ({
      processes: this.processes,
      concurrency: this.concurrency,
      heartbeatMs: this.heartbeatMs,
      killGraceMs: this.killGraceMs,
      unresponsiveMs: this.unresponsiveMs,
      logger: this.logger,
    } = this.options);
    this.config = {
      heartbeatMs: this.heartbeatMs,
      maxXcomBytes: this.options.maxXcomBytes,
      termGraceMs: Math.floor(this.killGraceMs / 2),
      pluginFolders: this.options.pluginFolders,
    };
  }

  /** Pids of the live runner processes (for tests and the ops view). */
  get pids(): number[] {
    return this.procs.filter((p) => !p.exited).map((p) => p.pid);
  }

  openSlots(): number {
    if (this.stopping) return 0;
    let open = (this.processes - this.serving().length) * this.concurrency;
    for (const proc of this.procs) {
      if (!proc.closing && !proc.draining) open += Math.max(0, this.concurrency - proc.jobs.size);
    }
    return open;
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Boots every runner process now, so the first jobs do not pay a cold start. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error('LocalExecutor: start() after stop()');
    this.startWatchdog();
    while (this.serving().length < this.processes) this.spawn();
    await Promise.all(this.serving().map((p) => p.booted));
  }

  submit(job: ExecutorJob): void {
    if (this.stopping) throw new Error('LocalExecutor is stopping and accepts no more jobs');
    const key = jobKey(job);
    if (this.procs.some((p) => p.jobs.has(key))) throw new Error(`LocalExecutor: ${describeJob(job)} is already running`);
    const proc = this.pickProcess();
    if (!proc) {
      throw new Error(
        `LocalExecutor has no open slot for ${describeJob(job)} (${this.processes} processes × ${this.concurrency} ` +
          'tries, all busy); the scheduler must check openSlots() before submit()',
      );
    }
    this.startWatchdog();
    // Idle time is not silence: the unresponsiveness clock starts with the first job.
    if (![...proc.jobs.values()].some((j) => j.state === 'running')) proc.lastHeardAt = Date.now();
    const pj: PoolJob = { key, job, state: 'running', reported: false, killReason: null, overdue: false, deadline: undefined };
    proc.jobs.set(key, pj);
    if (job.type === 'callback' && proc.ready) this.armCallbackDeadline(proc, pj, job);
    proc.send({ type: 'run', job });
    this.warmOthers(proc, job.fileloc);
  }

  /** The first job from a DAG file: the other runners import it meanwhile, not when its next tries land there. */
  private warmOthers(proc: RunnerProcess, fileloc: string): void {
    proc.dagFiles.add(fileloc);
    for (const other of this.serving()) {
      if (other.dagFiles.has(fileloc)) continue;
      other.dagFiles.add(fileloc);
      other.send({ type: 'warm', fileloc });
    }
  }

  kill(tiId: string, reason: string): void {
    for (const proc of this.procs) {
      for (const pj of proc.jobs.values()) {
        if (pj.job.type !== 'task' || pj.job.tiId !== tiId || pj.reported) continue;
        pj.killReason = reason;
        if (proc.unqueue(pj.key)) {
          // Never reached the runner: nothing to stop, just report it (after kill() returns, as a runner would).
          const failure: TaskFailure = { name: 'KilledError', message: `Task was killed: ${reason}`, retriable: false };
          this.finishInParent(proc, pj, failure, true);
          return;
        }
        proc.send({ type: 'kill', tiId, tryNumber: pj.job.tryNumber, reason });
        this.armDeadline(proc, pj, this.killGraceMs);
        return;
      }
    }
    this.logger(`kill(${tiId}): no running try with that id`);
  }

  async stop(graceMs: number = this.killGraceMs): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    this.stopped = (async () => {
      await this.waitUntilIdle(graceMs);
      clearInterval(this.watchdog);
      this.shuttingDown = true;
      const procs = [...this.procs];
      for (const proc of procs) proc.shutdown();
      const killer = setTimeout(() => procs.forEach((p) => p.kill()), SHUTDOWN_KILL_MS);
      await Promise.all(procs.map((p) => p.closed));
      clearTimeout(killer);
    })();
    return this.stopped;
  }

  private pickProcess(): RunnerProcess | null {
    let best: RunnerProcess | null = null;
    for (const proc of this.procs) {
      if (proc.closing || proc.draining || proc.jobs.size >= this.concurrency) continue;
      const fewer = best === null || proc.jobs.size < best.jobs.size;
      if (fewer || (proc.jobs.size === best!.jobs.size && proc.ready && !best!.ready)) best = proc;
    }
    // Lazily fill the pool: a new process rather than sharing a busy one.
    if (this.serving().length < this.processes && (best === null || best.jobs.size > 0)) return this.spawn();
    return best;
  }

  /** Processes that take jobs or will; a runner being killed no longer counts against `processes`. */
  private serving(): RunnerProcess[] {
    return this.procs.filter((p) => !p.closing);
  }

  /** Kills a runner (its tries are reported when it is gone) and boots its replacement right away. */
  private retire(proc: RunnerProcess, why: string, replace = true): void {
    if (proc.closing) return;
    this.logger(`runner ${proc.pid}: ${why}`);
    proc.kill();
    if (replace && !this.stopping && this.serving().length < this.processes) this.spawn();
  }

  private spawn(): RunnerProcess {
    const proc = new RunnerProcess({
      runnerPath: this.options.runnerPath,
      env: this.options.env,
      nodeArgs: this.options.nodeArgs,
      config: this.config,
      logger: this.logger,
      onMessage: (p, message) => this.onMessage(p, message),
      onClose: (p) => this.onClose(p),
    });
    this.procs.push(proc);
    return proc;
  }

  private onMessage(proc: RunnerProcess, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        for (const pj of proc.jobs.values()) {
          if (pj.job.type === 'callback') this.armCallbackDeadline(proc, pj, pj.job);
        }
        return;
      case 'event':
        this.onRunnerEvent(proc, message.event, message.lingering === true);
        return;
      case 'released': {
        const pj = proc.jobs.get(message.key);
        if (pj?.state === 'lingering') this.release(proc, pj);
        return;
      }
      case 'request':
        void this.answer(proc, message);
        return;
      case 'callback_log':
        this.logger(`callback ${message.id}: ${message.line}`);
        return;
      case 'pgroup':
        return;
    }
  }

  private onRunnerEvent(proc: RunnerProcess, event: ExecutorEvent, lingering: boolean): void {
    const key = eventKey(event);
    const pj = proc.jobs.get(key);
    if (!pj || pj.reported) return; // e.g. output of code that ignored its abort
    if (event.type === 'started' && pj.job.type === 'task' && pj.job.executionTimeoutMs !== null) {
      this.armDeadline(proc, pj, pj.job.executionTimeoutMs + this.killGraceMs);
    }
    const finished = event.type === 'finished' || event.type === 'callback_finished';
    if (finished) {
      pj.reported = true;
      if (lingering) {
        pj.state = 'lingering';
        proc.draining = true;
        this.logger(`runner ${proc.pid}: ${describeJob(pj.job)} ignored its abort and still runs; the runner takes no new jobs`);
      } else {
        this.release(proc, pj);
      }
    }
    // Bookkeeping first, so a listener that calls openSlots() sees the slot this event freed.
    this.emit(event);
    if (finished) {
      this.recycleIfOnlyLingering(proc);
      this.notifyIdle();
    }
  }

  private release(proc: RunnerProcess, pj: PoolJob): void {
    clearTimeout(pj.deadline);
    proc.jobs.delete(pj.key);
    if (proc.draining && ![...proc.jobs.values()].some((j) => j.state === 'lingering')) proc.draining = false;
  }

  private recycleIfOnlyLingering(proc: RunnerProcess): void {
    if (!proc.draining || proc.closing) return;
    if ([...proc.jobs.values()].every((j) => j.state === 'lingering')) {
      this.retire(proc, 'recycled, only code of ended tries was still running in it');
    }
  }

  private armDeadline(proc: RunnerProcess, pj: PoolJob, ms: number): void {
    clearTimeout(pj.deadline);
    pj.deadline = setTimeout(() => {
      if (proc.jobs.get(pj.key) !== pj || proc.closing) return;
      pj.overdue = true;
      this.retire(
        proc,
        `killed, because ${describeJob(pj.job)} was still running ${formatDuration(this.killGraceMs)} ` +
          `after its ${pj.killReason !== null ? 'kill' : 'timeout'}`,
      );
    }, ms);
    pj.deadline.unref();
  }

  private armCallbackDeadline(proc: RunnerProcess, pj: PoolJob, job: CallbackJob): void {
    if (pj.deadline === undefined) this.armDeadline(proc, pj, job.timeoutMs + this.killGraceMs);
  }

  private async answer(proc: RunnerProcess, request: Extract<ChildMessage, { type: 'request' }>): Promise<void> {
    const { id, method } = request;
    const pj = proc.jobs.get(taskKey(request.tiId, request.tryNumber));
    const fail = (error: string, permanent = false) => proc.send({ type: 'response', id, ok: false, error, permanent });
    if (!pj || pj.reported || pj.job.type !== 'task') return void fail(`service ${method}: the try is no longer running`);
    const handler = this.options.serviceHandler;
    if (!handler) return void fail(`service ${method}: this executor has no service handler`);
    let value: unknown;
    try {
      value = await handler(pj.job, method, request.payload);
    } catch (err) {
      const message = err instanceof ZodError ? `invalid ${method} payload: ${formatZodIssues(err)}` : err instanceof Error ? err.message : String(err);
      return void fail(message, isPermanentError(err));
    }
    if (!proc.send({ type: 'response', id, ok: true, value })) {
      fail(`service ${method}: the result could not be sent to the task (not structured-cloneable)`);
    }
  }

  private onClose(proc: RunnerProcess): void {
    this.procs.splice(this.procs.indexOf(proc), 1);
    for (const pj of [...proc.jobs.values()]) {
      if (pj.reported) {
        clearTimeout(pj.deadline);
        proc.jobs.delete(pj.key);
        continue;
      }
      this.finishInParent(proc, pj, this.lostFailure(proc, pj));
    }
    // A runner that crashed after booting is replaced at once; one that never booted waits for demand.
    if (!this.stopping && proc.ready && this.serving().length < this.processes) this.spawn();
    this.notifyIdle();
  }

  private lostFailure(proc: RunnerProcess, pj: PoolJob): TaskFailure {
    const how = proc.describeExit();
    if (pj.killReason !== null) {
      return { name: 'KilledError', message: `Task was killed: ${pj.killReason} (${how})`, retriable: false };
    }
    if (pj.overdue && pj.job.type === 'task' && pj.job.executionTimeoutMs !== null) {
      return {
        name: 'TimeoutError',
        message: `Task exceeded its execution timeout of ${formatDuration(pj.job.executionTimeoutMs)} and did not stop; ${how}`,
        retriable: true,
      };
    }
    const why = this.shuttingDown ? 'the executor stopped while it ran' : `${how} while it ran`;
    return { name: 'WorkerLostError', message: `${describeJob(pj.job)} was lost: ${why}`, retriable: true };
  }

  /** Reports a job's end that its runner could not report itself. */
  private finishInParent(proc: RunnerProcess, pj: PoolJob, failure: TaskFailure, deferred = false): void {
    pj.reported = true;
    this.release(proc, pj);
    const at = new Date();
    const job = pj.job;
    const event: ExecutorEvent =
      job.type === 'task'
        ? { type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, outcome: { status: 'failed', error: failure }, at }
        : { type: 'callback_finished', id: job.id, ok: false, error: `${failure.name}: ${failure.message}`, at };
    if (deferred) queueMicrotask(() => this.emit(event));
    else this.emit(event);
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger(`an executor event listener threw: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  }

  private startWatchdog(): void {
    if (this.watchdog || this.stopping) return;
    this.watchdog = setInterval(() => this.checkLiveness(), Math.min(this.heartbeatMs, 1_000));
    this.watchdog.unref();
  }

  private checkLiveness(): void {
    const now = Date.now();
    for (const proc of this.procs) {
      if (proc.closing) continue;
      if (!proc.ready) {
        if (now - proc.spawnedAt > BOOT_TIMEOUT_MS) {
          this.retire(proc, `killed, it did not boot within ${formatDuration(BOOT_TIMEOUT_MS)}`, false);
        }
        continue;
      }
      const running = [...proc.jobs.values()].some((j) => j.state === 'running' && j.job.type === 'task');
      if (running && now - proc.lastHeardAt > this.unresponsiveMs) {
        this.retire(proc, `killed, no heartbeat for ${formatDuration(now - proc.lastHeardAt)} (event loop blocked?)`);
      }
    }
  }

  private runningCount(): number {
    let n = 0;
    for (const proc of this.procs) for (const pj of proc.jobs.values()) if (pj.state === 'running') n++;
    return n;
  }

  private waitUntilIdle(graceMs: number): Promise<void> {
    if (this.runningCount() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, graceMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || this.runningCount() > 0) return;
    for (const done of this.idleWaiters.splice(0)) done();
  }
}

function describeJob(job: ExecutorJob): string {
  return job.type === 'task'
    ? `task ${job.dagId}.${job.taskId}${job.mapIndex >= 0 ? `[${job.mapIndex}]` : ''} (run ${job.runId}, try ${job.tryNumber})`
    : `${job.kind} callback ${job.id} of ${job.dagId}${job.taskId ? `.${job.taskId}` : ''}`;
}
