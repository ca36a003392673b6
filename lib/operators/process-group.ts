// Runs a subprocess of a task in its own process group: its output goes line by line to a callback, the
// executor is told about the group (so it can kill it if the runner dies), and an abort of the try ends the
// whole group — SIGTERM, then SIGKILL after the grace period. Shared by operators that start programs.
import { spawn } from 'node:child_process';
import { lineSplitter } from './line-splitter';
import type { OperatorContext } from './operator-context';

export interface ProcessGroupResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroupOptions {
  cwd: string;
  env: Record<string, string>;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** The spawn itself failed (ENOENT: no such program, EACCES, …); `code` is the system error code. */
export class SpawnError extends Error {
  override name = 'SpawnError';
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves with how the process ended once its output is fully read; rejects with `ctx.signal.reason` when
 * the try was aborted, or with a SpawnError when the program could not be started.
 */
export function runInProcessGroup(
  file: string,
  args: string[],
  opts: ProcessGroupOptions,
  ctx: Pick<OperatorContext, 'signal' | 'trackProcessGroup' | 'termGraceMs'>,
): Promise<ProcessGroupResult> {
  if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
  return new Promise((resolve, reject) => {
    // detached: its own process group, so an abort ends the program's children too, not just the program.
    const child = spawn(file, args, {
      cwd: opts.cwd,
      // A built env legitimately lacks NODE_ENV, which Next's global typing of ProcessEnv requires.
      env: opts.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = lineSplitter((line) => opts.onLine('stdout', line));
    const stderr = lineSplitter((line) => opts.onLine('stderr', line));
    child.stdout.on('data', stdout.write).on('end', stdout.end);
    child.stderr.on('data', stderr.write).on('end', stderr.end);

    const pgid = child.pid;
    const untrack = pgid !== undefined ? ctx.trackProcessGroup(pgid) : () => {};
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals) => {
      if (pgid === undefined) return;
      try {
        process.kill(-pgid, signal);
      } catch {
        // the group is already gone
      }
    };
    const onAbort = () => {
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), ctx.termGraceMs);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });

    const settle = () => {
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      untrack();
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      settle();
      reject(new SpawnError(file, err.code, `could not start ${file}: ${err.message}`));
    });
    // 'close' comes after both pipes ended, so every output line has been emitted by then.
    child.on('close', (code, signal) => {
      settle();
      if (ctx.signal.aborted) reject(ctx.signal.reason);
      else resolve({ code, signal });
    });
  });
}
