// XCom endpoints: the entries of task instances (`~` for every DAG / run / task) and one entry's value.
import type { z } from 'zod';
import { NotFoundError } from '../../kernel/errors';
import { findXcom, listXcomEntries, type XcomEntryRow } from '../../store/api-xcoms';
import type { EndpointInput } from '../contract';
import type { getXcomEntries, Xcom, XcomCollection, XcomCollectionItem } from '../contracts/xcoms';
import { iso, requireDag, requireRun, type ApiRuntime } from './shared';

function serializeEntry(x: XcomEntryRow): z.input<typeof XcomCollectionItem> {
  return {
    key: x.key,
    timestamp: iso(x.timestamp),
    execution_date: iso(x.logical_date),
    map_index: x.map_index,
    task_id: x.task_id,
    dag_id: x.dag_id,
  };
}

const anyOr = (id: string) => (id === '~' ? null : id);

export async function listXcomEntriesPage(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string },
  q: EndpointInput<typeof getXcomEntries>['query'],
): Promise<z.input<typeof XcomCollection>> {
  // A named DAG or run that does not exist is a 404 here, as for task instances, rather than an empty list.
  if (key.dagId !== '~') {
    if (key.runId === '~') await requireDag(rt, key.dagId);
    else await requireRun(rt, key.dagId, key.runId);
  }
  const page = await listXcomEntries(
    rt.db.sql,
    { dagId: anyOr(key.dagId), runId: anyOr(key.runId), taskId: anyOr(key.taskId), mapIndex: q.map_index, key: q.xcom_key },
    q,
  );
  return { xcom_entries: page.rows.map(serializeEntry), total_entries: page.total };
}

export async function getXcomEntryOne(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number; key: string },
): Promise<z.input<typeof Xcom>> {
  const x = await findXcom(rt.db.sql, key);
  if (!x) {
    await requireRun(rt, key.dagId, key.runId);
    throw new NotFoundError(`Task instance '${key.taskId}' (map_index ${key.mapIndex}) of DAG run '${key.runId}' has no XCom '${key.key}'`);
  }
  return { ...serializeEntry(x), value: JSON.stringify(x.value) };
}
