// Names for node-postgres prepared statements, one per distinct SQL text. A named statement is parsed and planned
// once per connection instead of at every call: the engine repeats a few dozen large statements (the scheduler's
// CTEs) hundreds of times a second under load, and re-planning them was about a quarter of PostgreSQL's CPU per
// task (`npm run bench -- scale-cpu`). The set is bounded, so text built per call (rare) cannot grow it for ever:
// past the bound, new texts go unnamed, as before.

const DEFAULT_MAX_NAMES = 500;

/** SQLSTATE 0A000 with this text: a prepared SELECT whose result columns a migration changed. */
const STALE_PLAN = /cached plan must not change result type/;

export class PreparedStatementNames {
  private readonly names = new Map<string, string>();
  private readonly refused = new Set<string>();
  /** Never reused: a connection keeps every name it prepared, including those of texts since refused. */
  private issued = 0;

  constructor(private readonly max = DEFAULT_MAX_NAMES) {}

  /** The name to prepare `sql` under, or undefined to send it unnamed. */
  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known || this.refused.has(sql)) return known;
    if (this.issued >= this.max) return undefined;
    const name = `flashflow_${this.issued++}`;
    this.names.set(sql, name);
    return name;
  }

  /**
   * True when `error` came from a statement prepared before a schema change: the text is sent unnamed from then on
   * (a name cannot be re-prepared with the same text on the connections that hold it), and may be sent again.
   */
  stale(sql: string, error: unknown): boolean {
    if (!STALE_PLAN.test((error as Error)?.message ?? '') || !this.names.has(sql)) return false;
    this.names.delete(sql);
    this.refused.add(sql);
    return true;
  }
}
