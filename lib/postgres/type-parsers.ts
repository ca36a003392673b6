// Result-type parsers that make PGlite and node-postgres return the same JS values for the same SQL types: the
// store's raw SqlClient and the SQL hook's client to a user's database both use them, so they sit below both.
// Prisma's adapters install their own parsers per query.
import pg from 'pg';

const PG_OID = {
  INT8: 20,
  INT8_ARRAY: 1016,
  TEXT_ARRAY: 1009,
  DATE: 1082,
  DATE_ARRAY: 1182,
  INTERVAL: 1186,
  INTERVAL_ARRAY: 1187,
  NUMERIC_ARRAY: 1231,
} as const;

/** PGlite's own int8 rule, applied to pg too: a number while exact, a bigint beyond ±2^53 rather than a wrong number. */
export function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value < Number.MIN_SAFE_INTEGER || value > Number.MAX_SAFE_INTEGER ? value : Number(value);
}

const keepText = (text: string): string => text;

/**
 * PGlite already returns int8 as parseInt8 does, interval and numeric as text; a date would become a Date at UTC
 * midnight while pg makes it local midnight, so both keep the 'YYYY-MM-DD' text. PGlite derives its array parsers
 * from these element parsers.
 */
export const pgliteParsers: Record<number, (text: string) => unknown> = {
  [PG_OID.DATE]: keepText,
};

type NestedArray<T> = Array<T | null | NestedArray<T>>;

function mapArray<T>(items: NestedArray<string>, parse: (text: string) => T): NestedArray<T> {
  return items.map((item) => (item === null ? null : Array.isArray(item) ? mapArray(item, parse) : parse(item)));
}

// pg's typings only admit scalar OIDs; its text[] parser is what we want for every array we keep as text.
const getPgParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (text: string) => unknown;
const parseTextArray = getPgParser(PG_OID.TEXT_ARRAY, 'text') as (text: string) => NestedArray<string>;

// pg's defaults differ from PGlite for these: int8 → string, date → local Date, interval → object, numeric[] → numbers.
const pgOverrides: Record<number, (text: string) => unknown> = {
  [PG_OID.INT8]: parseInt8,
  [PG_OID.INT8_ARRAY]: (text) => mapArray(parseTextArray(text), parseInt8),
  [PG_OID.DATE]: keepText,
  [PG_OID.DATE_ARRAY]: parseTextArray,
  [PG_OID.INTERVAL]: keepText,
  [PG_OID.INTERVAL_ARRAY]: parseTextArray,
  [PG_OID.NUMERIC_ARRAY]: parseTextArray,
};

/** For `new pg.Pool({ types: pgTypes })`: per pool, so pg's process-wide defaults stay untouched for other code. */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    ((format ?? 'text') === 'text' ? pgOverrides[oid] : undefined) ??
    getPgParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
