// PGlite runs PostgreSQL without its autovacuum workers: tables are never analyzed nor vacuumed unless we
// do it. Without statistics the planner picks nested loops that made one scheduler query 20× slower after a
// burst of new runs, and without VACUUM every state change leaves a dead row behind. So the embedded
// database gets what autovacuum would do: ANALYZE once enough rows were added, VACUUM now and then.
import type { SqlClient } from '../database';

const HOT_TABLES = 'task_instance, dag_run, xcom, task_instance_history, task_log';

export class EmbeddedMaintenance {
  private added = 0;
  private knownRows = 0;
  private analyzing: Promise<void> | null = null;

  constructor(private readonly sql: SqlClient) {}

  /** Autovacuum's rule of thumb: analyze after 50 + 10 % of the table's rows have changed. */
  rowsAdded(n: number): void {
    this.added += n;
    if (this.added >= 50 + 0.1 * this.knownRows && !this.analyzing) {
      this.knownRows += this.added;
      this.added = 0;
      this.analyzing = this.sql.exec(`ANALYZE ${HOT_TABLES}`).finally(() => (this.analyzing = null));
    }
  }

  async vacuum(): Promise<void> {
    await this.sql.exec(`VACUUM (ANALYZE) ${HOT_TABLES}`);
  }
}

// Keyed by the database handle, so the functions that add rows (createRun, expandMapped) can report them
// whichever caller (scheduler, API, CLI) invoked them; only PGlite handles are registered.
const registry = new WeakMap<SqlClient, EmbeddedMaintenance>();

export function enableEmbeddedMaintenance(sql: SqlClient): EmbeddedMaintenance {
  const m = new EmbeddedMaintenance(sql);
  registry.set(sql, m);
  return m;
}

export function noteRowsAdded(sql: SqlClient, n: number): void {
  registry.get(sql)?.rowsAdded(n);
}
