// The run a DAG tab shows: ?run_id= when it names one of the DAG's runs, else the latest; plus the recent runs for
// the picker. Reads through the REST API's store functions.
import type { SqlClient } from '@/lib/store/database';
import { findDagRun, listDagRuns, type DagRunRow } from '@/lib/store/api-dag-runs';

export async function selectedRun(
  sql: SqlClient,
  dagId: string,
  requested: string | string[] | undefined,
): Promise<{ run: DagRunRow | null; recent: DagRunRow[]; missing: string | null }> {
  const recent = (await listDagRuns(sql, { dagId }, { limit: 50, offset: 0 }, '-logical_date')).rows;
  if (typeof requested !== 'string' || requested === '') return { run: recent[0] ?? null, recent, missing: null };
  const run = recent.find((r) => r.run_id === requested) ?? (await findDagRun(sql, dagId, requested));
  if (run && !recent.some((r) => r.run_id === run.run_id)) recent.push(run);
  return { run: run ?? recent[0] ?? null, recent, missing: run ? null : requested };
}
