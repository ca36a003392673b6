// Reads an append-only table past a high-water mark (its serial id), so a scrape costs the rows added since the
// last one instead of an aggregate over the whole table. The mark starts at the table's max(id) when the process
// starts: counters fed from it count from zero like any process counter, and Prometheus sees a restart as a reset.
import type { SqlClient } from './database';

/** Rows read per query; a backlog larger than PAGE × MAX_PAGES is finished by the next scrapes. */
const PAGE = 5000;
const MAX_PAGES = 10;

export class RowTail<R extends { id: number }> {
  private mark: number | null = null;

  constructor(
    private readonly sql: SqlClient,
    /** Trusted SQL text: `SELECT id, … FROM <table> WHERE id > $1 ORDER BY id LIMIT $2`. */
    private readonly select: string,
    private readonly table: string,
  ) {}

  /** Sets the mark at the table's current end. */
  async start(): Promise<void> {
    const [row] = await this.sql.query<{ max: number | null }>(`SELECT max(id)::int AS max FROM ${this.table}`);
    this.mark = row?.max ?? 0;
  }

  /** Rows added since the last call, oldest first. */
  async *read(): AsyncGenerator<R[]> {
    if (this.mark === null) await this.start();
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await this.sql.query<R>(this.select, [this.mark, PAGE]);
      if (rows.length === 0) return;
      this.mark = rows[rows.length - 1]!.id;
      yield rows;
      if (rows.length < PAGE) return;
    }
  }
}
