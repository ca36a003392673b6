// The per-try size cap of task logs (ADR 0032). A try that writes more keeps its first bytes and one marker line
// saying where the log was cut: the end of a runaway log is rarely worth more than the database it would fill.
// Applied twice: by the runner, so a remote worker does not ship what will be dropped, and by the store, the one
// place every line passes through whatever wrote it.
import { z } from 'zod';

/** 5 MiB: ~50,000 lines of 100 bytes, far beyond what a person reads, small beside the database. */
export const DEFAULT_TASK_LOG_MAX_BYTES = 5 * 1024 * 1024;

/** FLASHFLOW_TASK_LOG_MAX_BYTES; below 1 KiB even the first error would be cut. */
export const TaskLogMaxBytes = z.coerce.number().int().min(1024).default(DEFAULT_TASK_LOG_MAX_BYTES);

/** What a line costs against the cap: its UTF-8 bytes and its newline. */
export function logLineBytes(line: string): number {
  return Buffer.byteLength(line, 'utf8') + 1;
}

export function truncationMarker(maxBytes: number): string {
  return `*** Log truncated: this try wrote more than ${maxBytes} bytes (FLASHFLOW_TASK_LOG_MAX_BYTES); the rest of its output was dropped ***`;
}

/** Also a PostgreSQL regular expression (`line ~ MARKER.source`): the store judges stored lines by the same rule. */
export const MARKER = /^\*\*\* Log truncated: this try wrote more than \d+ bytes \(FLASHFLOW_TASK_LOG_MAX_BYTES\); the rest of its output was dropped \*\*\*$/;

/** The whole marker line, whatever cap it names: a task's line that only starts like one is output like any other. */
export function isTruncationMarker(line: string): boolean {
  return MARKER.test(line);
}

/**
 * The budget of one try. `take` answers what to store for the next line: the line, the marker in its place (once,
 * when the line would pass the cap), or nothing. The marker is not counted, so a log is at most the cap plus it.
 */
export class TaskLogBudget {
  private used: number;
  private cut: boolean;

  constructor(
    readonly maxBytes: number,
    usedBytes = 0,
    alreadyCut = false,
  ) {
    this.used = usedBytes;
    this.cut = alreadyCut;
  }

  get truncated(): boolean {
    return this.cut;
  }

  take(line: string): string | null {
    if (this.cut) return null;
    // A marker another writer (the runner) put there is stored as our own, not counted as output.
    if (isTruncationMarker(line)) {
      this.cut = true;
      return truncationMarker(this.maxBytes);
    }
    const bytes = logLineBytes(line);
    if (this.used + bytes > this.maxBytes) {
      this.cut = true;
      return truncationMarker(this.maxBytes);
    }
    this.used += bytes;
    return line;
  }
}

/** The cap a runner process applies: its environment's setting, the default when unset or invalid. */
export function taskLogMaxBytesFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.FLASHFLOW_TASK_LOG_MAX_BYTES;
  const parsed = TaskLogMaxBytes.safeParse(raw === '' ? undefined : raw);
  return parsed.success ? parsed.data : DEFAULT_TASK_LOG_MAX_BYTES;
}
