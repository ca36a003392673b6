// console.* of task code goes to the log of the try that wrote it. Several tries share one runner process,
// so the try is found through AsyncLocalStorage rather than a global "current task".
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export interface OutputSink {
  (stream: 'stdout' | 'stderr', line: string): void;
  /** True once the try's log is at its cap (ADR 0032): output is then dropped before it is even formatted. */
  full?: () => boolean;
}

const current = new AsyncLocalStorage<OutputSink>();

const METHODS = [
  ['log', 'stdout'],
  ['info', 'stdout'],
  ['debug', 'stdout'],
  ['warn', 'stderr'],
  ['error', 'stderr'],
] as const;

/** Patches console once per process; output outside any try still goes to the real stdout/stderr. */
export function installConsoleCapture(): void {
  for (const [method, stream] of METHODS) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const sink = current.getStore();
      if (!sink) return original(...args);
      if (sink.full?.()) return;
      for (const line of format(...args).split('\n')) sink(stream, line);
    };
  }
}

export function withOutputSink<T>(sink: OutputSink, fn: () => T): T {
  return current.run(sink, fn);
}
