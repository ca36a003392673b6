// Keeps the database's DAG rows in step with the DAG folder: parses it at start, whenever a file changes
// (debounced) and every `intervalMs` as a safety net, then tells the scheduler to reload.
import { watch, type FSWatcher } from 'node:fs';
import type { SqlClient } from '../store/database';
import { recordImportError, syncDags, type SyncSummary } from '../store/sync-dags';
import { parseInChild } from './parse-in-child';

export interface DagProcessorOptions {
  folder: string;
  /** Where plugins are (ADR 0025); their import errors are shown with the DAG files'. */
  pluginFolders?: readonly string[];
  sql: SqlClient;
  now: () => Date;
  onSynced?: (summary: SyncSummary) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  debounceMs?: number;
  intervalMs?: number;
  /** Longest a single DAG file may take to import. */
  fileTimeoutMs?: number;
}

export class DagProcessor {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private running: Promise<SyncSummary | null> | null = null;
  private again = false;

  constructor(private readonly opts: DagProcessorOptions) {}

  /** Parses and syncs now; concurrent calls share one pass and ask for one more after it. */
  processOnce(): Promise<SyncSummary | null> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.processOnce();
      }
    });
    return this.running;
  }

  startWatching(): void {
    try {
      this.watcher = watch(this.opts.folder, { recursive: true }, () => this.schedulePass());
      this.watcher.on('error', (err) => this.opts.log?.('warn', `watching ${this.opts.folder} failed: ${err.message}`));
    } catch (err) {
      this.opts.log?.('warn', `cannot watch ${this.opts.folder} (${(err as Error).message}); relying on periodic parsing`);
    }
    this.timer = setInterval(() => void this.processOnce(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    await this.running?.catch(() => null);
  }

  private schedulePass(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.processOnce(), this.opts.debounceMs ?? 300);
    this.debounce.unref();
  }

  private async pass(): Promise<SyncSummary | null> {
    const log = this.opts.log ?? (() => {});
    try {
      const parsed = await parseInChild(this.opts.folder, this.opts.fileTimeoutMs, this.opts.pluginFolders ?? null);
      const summary = await syncDags(this.opts.sql, parsed, this.opts.now());
      for (const e of parsed.errors) log('warn', `import error in ${e.filename}: ${e.message.split('\n')[0]}`);
      if (summary.added.length || summary.updated.length || summary.deactivated.length) {
        log('info', `DAGs synced: ${summary.added.length} added, ${summary.updated.length} updated, ${summary.deactivated.length} deactivated`);
      }
      this.opts.onSynced?.(summary);
      return summary;
    } catch (err) {
      const message = (err as Error).message;
      log('error', message);
      // The DAGs keep their last good versions: a parser that failed as a whole says nothing about them.
      await recordImportError(this.opts.sql, this.opts.folder, message, this.opts.now()).catch(() => null);
      return null;
    }
  }
}
