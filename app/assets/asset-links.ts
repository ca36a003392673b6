// Where asset views link to: a DAG's grid, one of its runs selected in it, and one asset with its events.
export function dagHref(dagId: string): string {
  return `/dags/${encodeURIComponent(dagId)}`;
}

export function runHref(dagId: string, runId: string): string {
  return `${dagHref(dagId)}?run_id=${encodeURIComponent(runId)}`;
}

export function assetHref(uri: string): string {
  return `/assets?uri=${encodeURIComponent(uri)}`;
}
