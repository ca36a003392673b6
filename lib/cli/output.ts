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
