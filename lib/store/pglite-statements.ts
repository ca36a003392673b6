// Named prepared statements for the embedded database. PGlite's query() sends the text each time (parse, plan,
// six protocol messages); a statement the process runs again and again (the scheduler's per-tick queries, a
// word's service calls) is parsed once and then only bound and executed, about a third of the cost.
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { Row } from './sql-client';

type Messages = Awaited<ReturnType<PGlite['execProtocol']>>['messages'];

interface Prepared {
  name: string;
  paramTypes: number[];
  /** rowDescription, or noData for a statement that returns no rows; parseResults needs it first. */
  description: Messages;
}

/** A text is prepared when it comes again: one-off statements (built with literals, DDL) stay unprepared. */
const PREPARE_ON_USE = 2;
/** Named statements live as long as the session; a generous cap bounds them if texts are generated. */
const MAX_PREPARED = 500;
const MAX_TRACKED = 5_000;

export interface StatementCache {
  /** Counts a use of `sql`; true once it is (or is now to be) a prepared statement. */
  use(sql: string): boolean;
  /** Runs a statement `use` said yes to. The caller holds PGlite's locks as query() would (runExclusive). */
  run(sql: string, params: unknown[], options: { syncToFs: boolean }): Promise<Row[]>;
}

export function statementCache(pglite: PGlite): StatementCache {
  const prepared = new Map<string, Prepared>();
  const uses = new Map<string, number>();

  async function prepare(sql: string): Promise<Prepared> {
    const name = `flashflow_${prepared.size + 1}`;
    const { messages } = await pglite.execProtocol(
      concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
      { syncToFs: false },
    );
    const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined;
    const statement = {
      name,
      paramTypes: params?.dataTypeIDs ?? [],
      description: messages.filter((m) => m.name === 'rowDescription' || m.name === 'noData'),
    };
    prepared.set(sql, statement);
    return statement;
  }

  return {
    use(sql) {
      if (prepared.has(sql)) return true;
      if (prepared.size >= MAX_PREPARED) return false;
      const n = (uses.get(sql) ?? 0) + 1;
      if (n >= PREPARE_ON_USE) {
        uses.delete(sql);
        return true;
      }
      if (uses.size >= MAX_TRACKED) uses.clear();
      uses.set(sql, n);
      return false;
    },
    async run(sql, params, { syncToFs }) {
      const statement = prepared.get(sql) ?? (await prepare(sql));
      const values = params.map((value, i) => serialize(pglite, statement.paramTypes[i], value));
      const { messages } = await pglite.execProtocol(
        concat([protocol.serialize.bind({ statement: statement.name, values }), protocol.serialize.execute({}), protocol.serialize.sync()]),
        { syncToFs },
      );
      const [result] = parse.parseResults([...statement.description, ...messages], pglite.parsers);
      return (result?.rows ?? []) as Row[];
    },
  };
}

/** As PGlite's query() does: its serializer for the parameter's type, else the value's text. */
function serialize(pglite: PGlite, type: number | undefined, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const serializer = type === undefined ? undefined : pglite.serializers[type];
  return serializer ? serializer(value) : String(value);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
