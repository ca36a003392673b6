// Compares a live database schema with Prisma's datamodel: tables, columns (type, precision, nullability, default),
// primary keys, unique and plain indexes (columns and names), foreign keys (columns, target, actions).
// Returns one readable line per difference, so a failing test says exactly what to fix.
import type { SqlClient } from '../../lib/store/database';
import type { DmmfDatamodel, DmmfField, DmmfModel } from './prisma-datamodel';

const IGNORED_TABLES = new Set(['_prisma_migrations']);

interface ColumnRow {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  datetime_precision: number | null;
}
interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  name: string;
  table_name: string;
  ref_table: string;
  columns: string[];
  ref_columns: string[];
  on_delete: string;
  on_update: string;
}

const SCALAR_UDT: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Boolean: 'bool',
  Json: 'jsonb',
  DateTime: 'timestamp',
  Bytes: 'bytea',
};
const NATIVE_UDT: Record<string, string> = { Uuid: 'uuid', Timestamptz: 'timestamptz', Timestamp: 'timestamp', Text: 'text' };
const FK_ACTION: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

export async function diffSchemaAgainstPrisma(sql: SqlClient, datamodel: DmmfDatamodel): Promise<string[]> {
  const [columns, indexes, foreignKeys] = await Promise.all([readColumns(sql), readIndexes(sql), readForeignKeys(sql)]);
  const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
  const modelByName = new Map(datamodel.models.map((model) => [model.name, model]));
  const diffs: string[] = [];
  const compareSets = (what: string, expected: string[], actual: string[]): void => {
    for (const item of expected) if (!actual.includes(item)) diffs.push(`${what} missing in the database: ${item}`);
    for (const item of actual) if (!expected.includes(item)) diffs.push(`${what} not in schema.prisma: ${item}`);
  };

  const actualTables = [...new Set(columns.map((column) => column.table_name))].filter((t) => !IGNORED_TABLES.has(t));
  compareSets('table', datamodel.models.map(tableOf), actualTables);

  for (const model of datamodel.models) {
    const table = tableOf(model);
    const scalars = model.fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum');
    const actual = new Map(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c]));
    compareSets(`column of ${table}`, scalars.map(columnOf), [...actual.keys()]);
    for (const field of scalars) {
      const column = actual.get(columnOf(field));
      if (column) diffs.push(...diffColumn(table, field, column));
    }
  }

  const expectedIndexes = datamodel.indexes.map((index) => {
    const model = modelByName.get(index.model)!;
    const table = tableOf(model);
    const cols = index.fields.map((f) => columnOf(model.fields.find((field) => field.name === f.name)!));
    const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
    const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`);
    return `${index.type} ${name} ON ${table}(${cols.join(', ')})`;
  });
  const actualIndexes = indexes
    .filter((index) => !IGNORED_TABLES.has(index.table_name))
    .map((index) => {
      const type = index.is_primary ? 'id' : index.is_unique ? 'unique' : 'normal';
      return `${type} ${index.index_name} ON ${index.table_name}(${index.columns.join(', ')})`;
    });
  compareSets('index', expectedIndexes, actualIndexes);

  const expectedForeignKeys = datamodel.models.flatMap((model) =>
    model.fields
      .filter((field) => field.kind === 'object' && (field.relationFromFields?.length ?? 0) > 0)
      .map((field) => {
        const table = tableOf(model);
        const target = modelByName.get(field.type)!;
        const cols = field.relationFromFields!.map((name) => columnOf(model.fields.find((f) => f.name === name)!));
        const refCols = field.relationToFields!.map((name) => columnOf(target.fields.find((f) => f.name === name)!));
        // Prisma's defaults when a relation does not say: Restrict (required) / SetNull (optional), Cascade on update.
        const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
        const onUpdate = field.relationOnUpdate ?? 'Cascade';
        return `${table}_${cols.join('_')}_fkey ${table}(${cols.join(', ')}) → ${tableOf(target)}(${refCols.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
      }),
  );
  const actualForeignKeys = foreignKeys.map(
    (fk) =>
      `${fk.name} ${fk.table_name}(${fk.columns.join(', ')}) → ${fk.ref_table}(${fk.ref_columns.join(', ')}) ` +
      `ON DELETE ${FK_ACTION[fk.on_delete]} ON UPDATE ${FK_ACTION[fk.on_update]}`,
  );
  compareSets('foreign key', expectedForeignKeys, actualForeignKeys);
  return diffs;
}

function columnOf(field: DmmfField): string {
  return field.dbName ?? field.name;
}

function diffColumn(table: string, field: DmmfField, column: ColumnRow): string[] {
  const where = `${table}.${column.column_name}`;
  const diffs: string[] = [];
  const [nativeName, nativeArgs] = field.nativeType ?? [undefined, []];
  const expectedUdt = nativeName ? NATIVE_UDT[nativeName] : SCALAR_UDT[field.type];
  if (expectedUdt === undefined) diffs.push(`${where}: no mapping for Prisma type ${field.type} ${nativeName ?? ''}`);
  const actualUdt = field.isList ? column.udt_name.replace(/^_/, '') : column.udt_name;
  if (expectedUdt !== undefined && actualUdt !== expectedUdt) {
    diffs.push(`${where}: type ${column.udt_name}, schema.prisma says ${expectedUdt}`);
  }
  if (expectedUdt === 'timestamp' || expectedUdt === 'timestamptz') {
    // Prisma: plain DateTime is timestamp(3); @db.Timestamptz without an argument is PostgreSQL's default, 6.
    const precision = nativeName ? Number(nativeArgs[0] ?? 6) : 3;
    if (column.datetime_precision !== precision) {
      diffs.push(`${where}: precision ${column.datetime_precision}, schema.prisma says ${precision}`);
    }
  }
  const nullable = column.is_nullable === 'YES';
  if (nullable === field.isRequired) {
    diffs.push(`${where}: ${nullable ? 'nullable' : 'NOT NULL'}, schema.prisma says ${field.isRequired ? 'required' : 'optional'}`);
  }
  const expectedDefault = describeDefault(field);
  const actualDefault = normalizeDefault(column.column_default);
  if (expectedDefault !== actualDefault) {
    diffs.push(`${where}: default ${actualDefault ?? 'none'}, schema.prisma says ${expectedDefault ?? 'none'}`);
  }
  return diffs;
}

function describeDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (value !== null && typeof value === 'object' && 'name' in value) {
    const { name, args } = value as { name: string; args: unknown[] };
    if (name === 'autoincrement') return 'autoincrement';
    if (name === 'now') return 'CURRENT_TIMESTAMP';
    if (name === 'dbgenerated') return String(args[0]);
    return null; // uuid(), cuid(), nanoid(): computed by the Prisma client, no database default.
  }
  return String(value);
}

function normalizeDefault(columnDefault: string | null): string | null {
  if (columnDefault === null) return null;
  if (/^nextval\('.+_seq'::regclass\)$/.test(columnDefault)) return 'autoincrement';
  // '-1'::integer, 'none'::text, '[]'::jsonb → the literal.
  const literal = /^'(.*)'::[a-z ]+$/s.exec(columnDefault);
  return literal ? literal[1]!.replace(/''/g, "'") : columnDefault;
}

function readColumns(sql: SqlClient): Promise<ColumnRow[]> {
  return sql.query<ColumnRow>(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default, datetime_precision
       FROM information_schema.columns WHERE table_schema = current_schema()
      ORDER BY table_name, ordinal_position`,
  );
}

function readIndexes(sql: SqlClient): Promise<IndexRow[]> {
  return sql.query<IndexRow>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
            ix.indisprimary AS is_primary,
            array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema()`,
  );
}

function readForeignKeys(sql: SqlClient): Promise<ForeignKeyRow[]> {
  return sql.query<ForeignKeyRow>(
    `SELECT c.conname AS name, t.relname AS table_name, r.relname AS ref_table,
            array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns,
            c.confdeltype AS on_delete, c.confupdtype AS on_update
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
}
