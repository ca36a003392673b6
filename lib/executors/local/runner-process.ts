// The parent's handle on one runner process: sends messages (queued until the child is ready), forwards its
// stray output to the logger, remembers its subprocess groups and how it ended.
import type { ChildProcess } from 'node:child_process';
import type { ExecutorJob } from '../../engine/executor-port';
import { lineSplitter } from '../../operators/line-splitter';
import { forkTypeScript } from './fork-runner';
import { jobKey, type ChildMessage, type ParentMessage, type RunnerConfig } from './protocol';

/** A job as the pool tracks it, from submit until its outcome is reported and its code has ended. */
export interface PoolJob {
  key: string;
  job: ExecutorJob;
  /** 'lingering': its outcome was reported but its code ignored the abort and still runs. */
  state: 'running' | 'lingering';
  reported: boolean;
  /** Set by kill(); if the process has to be killed, the try is reported as killed rather than lost. */
  killReason: string | null;
  /** Set when the hard deadline passed; if the process has to be killed, the try is reported as timed out. */
  overdue: boolean;
  deadline: NodeJS.Timeout | undefined;
}

export interface RunnerProcessOptions {
  runnerPath: string;
  env: Record<string, string | undefined>;
  nodeArgs: string[];
  config: RunnerConfig;
  logger: (message: string) => void;
  onMessage: (proc: RunnerProcess, message: ChildMessage) => void;
  onClose: (proc: RunnerProcess) => void;
}

const STDERR_TAIL_LINES = 40;

export class RunnerProcess {
  readonly jobs = new Map<string, PoolJob>();
  /** DAG files this runner was given a job or a warm-up from. */
  readonly dagFiles = new Set<string>();
  readonly pid: number;
  readonly spawnedAt = Date.now();
  ready = false;
  /** Takes no new jobs: it still runs code of a try that ignored its abort, and is recycled once idle. */
  draining = false;
  /** Being killed or gone; takes no new jobs. */
  closing = false;
  exited = false;
  lastHeardAt = Date.now();
  readonly closed: Promise<void>;
  /** Resolves when the runner has booted; rejects if it ends before. */
  readonly booted: Promise<void>;
  private readonly child: ChildProcess;
  private readonly queue: ParentMessage[] = [];
  private readonly groups = new Set<number>();
  private readonly stderrTail: string[] = [];
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;

  constructor(private readonly opts: RunnerProcessOptions) {
    this.child = forkTypeScript(opts.runnerPath, {
      args: [JSON.stringify(opts.config)],
      env: opts.env,
      nodeArgs: opts.nodeArgs,
    });
    this.pid = this.child.pid ?? -1;
    let booted!: () => void;
    let bootFailed!: (err: Error) => void;
    this.booted = new Promise<void>((resolve, reject) => {
      booted = resolve;
      bootFailed = reject;
    });
    this.booted.catch(() => {}); // awaited only by start(); a failed boot is otherwise reported per job
    const forward = (stream: 'stdout' | 'stderr') =>
      lineSplitter((line) => {
        if (stream === 'stderr') {
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        }
        opts.logger(`runner ${this.pid} ${stream}: ${line}`);
      });
    const out = forward('stdout');
    const err = forward('stderr');
    this.child.stdout?.on('data', out.write).on('end', out.end);
    this.child.stderr?.on('data', err.write).on('end', err.end);

    this.child.on('message', (message: ChildMessage) => {
      this.lastHeardAt = Date.now();
      if (message.type === 'ready') {
        this.ready = true;
        booted();
        for (const queued of this.queue.splice(0)) this.deliver(queued);
      } else if (message.type === 'pgroup') {
        if (message.open) this.groups.add(message.pgid);
        else this.groups.delete(message.pgid);
      }
      opts.onMessage(this, message);
    });

    this.closed = new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.exited = true;
        this.closing = true;
        this.killGroups();
        if (!this.ready) bootFailed(new Error(`${this.describeExit()} before it was ready`));
        opts.onClose(this);
        resolve();
      };
      // 'close' waits for stdio and IPC to drain, so every message the child sent has been handled; a
      // grandchild holding a pipe open must not delay the verdict for long, hence the fallback.
      this.child.on('close', finish);
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        setTimeout(finish, 500).unref();
      });
      this.child.on('error', (error) => {
        opts.logger(`runner ${this.pid}: ${error.message}`);
        if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid === undefined) finish();
      });
    });
  }

  /** False when the message could not be serialized or the channel is gone. */
  send(message: ParentMessage): boolean {
    if (this.closing) return false;
    if (this.ready) return this.deliver(message);
    this.queue.push(message);
    return true;
  }

  /** Takes back a job the child has not been sent yet; true when it was still queued. */
  unqueue(key: string): boolean {
    const index = this.queue.findIndex((m) => m.type === 'run' && jobKey(m.job) === key);
    if (index === -1) return false;
    this.queue.splice(index, 1);
    return true;
  }

  /** SIGKILL for the runner and every subprocess group its tries started. */
  kill(): void {
    this.closing = true;
    this.killGroups();
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Asks the runner to exit by itself (it kills its subprocess groups first). */
  shutdown(): void {
    if (this.ready && !this.closing) this.deliver({ type: 'shutdown' });
    else this.kill();
    this.closing = true;
  }

  /** "runner process 123 was killed by signal SIGKILL (last stderr: …)". */
  describeExit(): string {
    const how =
      this.exitSignal !== null
        ? `was killed by signal ${this.exitSignal}`
        : this.exitCode !== null
          ? `exited with code ${this.exitCode}`
          : 'ended';
    const said = summarizeStderr(this.stderrTail);
    return `runner process ${this.pid} ${how}${said ? ` (stderr: ${said})` : ''}`;
  }

  private deliver(message: ParentMessage): boolean {
    try {
      this.child.send(message);
      return true;
    } catch (error) {
      this.opts.logger(`runner ${this.pid}: could not send a '${message.type}' message: ${(error as Error).message}`);
      return false;
    }
  }

  private killGroups(): void {
    for (const pgid of this.groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.groups.clear();
  }
}

/**
 * The telling part of what a dying runner printed: the last error line (an uncaught exception, V8's
 * "FATAL ERROR: … heap out of memory"), else its last few lines without native stack frames.
 */
export function summarizeStderr(lines: string[]): string {
  const meaningful = lines.filter((l) => l.trim() !== '' && !/^\s*\d+: 0x[0-9a-f]+/.test(l) && !/^(-----|<---)/.test(l));
  const error = meaningful.findLast((l) => /^(FATAL ERROR|[A-Za-z]*Error)\b.*:/.test(l));
  return (error ?? meaningful.slice(-3).join(' | ')).slice(0, 500);
}
