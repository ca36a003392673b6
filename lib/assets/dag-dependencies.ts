// How DAGs depend on each other (Airflow's DAG Dependencies view), read from their definitions: a task's outlets
// feed the DAGs scheduled on those assets and the asset sensors waiting for them; an external-task sensor waits for
// another DAG; a triggerDag task starts one. Arguments are read through the operators' own schemas, so an edge
// exists only where the operator would really act on it.
import type { SerializedDag } from '../engine/dag-model';
import { assetSensorSchema, externalTaskSensorSchema } from '../operators/sensors';
import { triggerDagArgsSchema } from '../operators/trigger-dag';

export type DependencyNode =
  | { id: string; kind: 'dag'; dagId: string; /** Named by another DAG but not defined (or no longer active). */ missing: boolean }
  | { id: string; kind: 'asset'; uri: string };

export interface DependencyEdge {
  id: string;
  source: string;
  target: string;
  kind: 'asset' | 'sensor' | 'trigger';
  /** The task that makes the edge, when one does (the producer, the sensor, the trigger). */
  taskId: string | null;
}

export interface DependencyGraph {
  nodes: DependencyNode[];
  edges: DependencyEdge[];
}

/** The operator names of lib/operators/registry.ts whose arguments name another DAG or an asset. */
const TRIGGER_DAG = 'trigger-dag';
const EXTERNAL_TASK_SENSOR = 'external-task-sensor';
const ASSET_SENSOR = 'asset-sensor';

export const dagNodeId = (dagId: string) => `dag:${dagId}`;
export const assetNodeId = (uri: string) => `asset:${uri}`;

export function dagDependencies(dags: readonly SerializedDag[]): DependencyGraph {
  const nodes = new Map<string, DependencyNode>();
  const edges = new Map<string, DependencyEdge>();
  const dag = (dagId: string, missing: boolean) => {
    const id = dagNodeId(dagId);
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'dag', dagId, missing });
    return id;
  };
  const asset = (uri: string) => {
    const id = assetNodeId(uri);
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'asset', uri });
    return id;
  };
  const edge = (source: string, target: string, kind: DependencyEdge['kind'], taskId: string | null) => {
    const id = `${source}->${target}:${kind}:${taskId ?? ''}`;
    edges.set(id, { id, source, target, kind, taskId });
  };

  for (const d of dags) dag(d.dag_id, false);
  for (const d of dags) {
    const self = dagNodeId(d.dag_id);
    for (const uri of d.schedule_assets) edge(asset(uri), self, 'asset', null);
    for (const t of d.tasks) {
      for (const uri of t.outlets) edge(self, asset(uri), 'asset', t.task_id);
      if (t.operator === TRIGGER_DAG) {
        const args = triggerDagArgsSchema.safeParse(t.args);
        if (args.success) edge(self, dag(args.data.dagId, true), 'trigger', t.task_id);
      } else if (t.operator === EXTERNAL_TASK_SENSOR) {
        const args = externalTaskSensorSchema.safeParse(t.args);
        if (args.success) edge(dag(args.data.externalDagId, true), self, 'sensor', t.task_id);
      } else if (t.operator === ASSET_SENSOR) {
        const args = assetSensorSchema.safeParse(t.args);
        if (args.success) edge(asset(args.data.uri), self, 'sensor', t.task_id);
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
