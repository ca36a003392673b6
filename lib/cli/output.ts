// How CLI results print: aligned tables for people, JSON for scripts.

export function printJson(value: unknown, out: (line: string) => void): void {
  out(JSON.stringify(value, null, 2));
}

export function printTable(rows: Array<Record<string, string>>, columns: string[], out: (line: string) => void): void {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd();
  out(line(columns));
  out(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const r of rows) out(line(columns.map((c) => r[c] ?? '')));
}

type Cell = string | number | boolean | null;
export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'plain'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Airflow's `-o table|json|yaml|plain`: the same rows for people and for scripts. */
export function printAs(rows: Array<Record<string, Cell>>, columns: string[], format: OutputFormat, out: (line: string) => void): void {
  if (format === 'json') return printJson(rows, out);
  if (format === 'yaml') return printYaml(rows, columns, out);
  const text = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] == null ? '' : String(r[c])])));
  if (format === 'table') return printTable(text, columns, out);
  const widths = columns.map((c) => Math.max(c.length, ...text.map((r) => r[c]!.length)));
  for (const cells of [columns, ...text.map((r) => columns.map((c) => r[c]!))]) out(cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** A YAML list of flat records. Strings are written double-quoted, which YAML reads with JSON's escapes. */
function printYaml(rows: Array<Record<string, Cell>>, columns: string[], out: (line: string) => void): void {
  if (rows.length === 0) return out('[]');
  for (const r of rows) {
    columns.forEach((c, i) => out(`${i === 0 ? '- ' : '  '}${c}: ${r[c] === undefined ? 'null' : JSON.stringify(r[c])}`));
  }
}

export function printDagList(
  result: { dags: Array<{ dag_id: string; fileloc: string; schedule: string | null; is_paused: boolean }>; import_errors: Array<{ filename: string; stacktrace: string }> },
  out: (line: string) => void,
): void {
  printTable(
    result.dags.map((d) => ({ dag_id: d.dag_id, schedule: d.schedule ?? 'None', is_paused: String(d.is_paused), fileloc: d.fileloc })),
    ['dag_id', 'schedule', 'is_paused', 'fileloc'],
    out,
  );
  if (result.import_errors.length > 0) {
    out('');
    out(`${result.import_errors.length} import error(s):`);
    for (const e of result.import_errors) out(`- ${e.filename}: ${e.stacktrace.split('\n').join('\n    ')}`);
  }
}
