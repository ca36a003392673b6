// XCom entries in Airflow's shapes (schemas XComCollectionItem, XComCollection, XCom). A Flashflow XCom is JSON,
// so `value` is its JSON text where Airflow writes the Python value's str().
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, DateTime, Paging, QueryBool } from './common';

export const XcomCollectionItem = z
  .object({
    key: z.string(),
    timestamp: DateTime,
    execution_date: DateTime,
    map_index: z.number().int(),
    task_id: z.string(),
    dag_id: z.string(),
  })
  .meta({ id: 'XComCollectionItem', description: 'An XCom entry without its value, which may be large.' });

export const XcomCollection = collection('xcom_entries', XcomCollectionItem, 'XComCollection');

export const Xcom = XcomCollectionItem.extend({ value: z.string().meta({ description: 'The value as JSON text.' }) }).meta({ id: 'XCom' });

const TaskParams = z.object({ dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() });

export const getXcomEntries = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries',
  operationId: 'get_xcom_entries',
  tag: 'XCom',
  summary: 'List XCom entries (`~` for every DAG, run or task), without their values',
  params: TaskParams,
  query: z.object({
    ...Paging,
    map_index: z.coerce.number().int().optional().meta({ description: 'Only this instance of a mapped task.' }),
    xcom_key: z.string().optional().meta({ description: 'Only entries with this key.' }),
  }),
  response: XcomCollection,
  errors: [400, 404],
});

export const getXcomEntry = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}',
  operationId: 'get_xcom_entry',
  tag: 'XCom',
  summary: 'Get an XCom entry with its value (a task’s result is key return_value)',
  params: TaskParams.extend({ xcom_key: z.string() }),
  query: z.object({
    map_index: z.coerce.number().int().default(-1),
    deserialize: QueryBool.optional().meta({ description: 'Accepted and ignored: Flashflow XComs are always JSON.' }),
  }),
  response: Xcom,
  errors: [400, 404],
});

export const xcomEndpoints = [getXcomEntries, getXcomEntry];
