// Where the assets page links to: a DAG's grid, and one of its runs selected in it.
export function dagHref(dagId: string): string {
  return `/dags/${encodeURIComponent(dagId)}`;
}

export function runHref(dagId: string, runId: string): string {
  return `${dagHref(dagId)}?run_id=${encodeURIComponent(runId)}`;
}
