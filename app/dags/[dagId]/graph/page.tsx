// Graph tab: the DAG's tasks laid out left to right, coloured by the selected run's task-instance states.
import { getRuntime } from '@/lib/runtime/app-context';
import { findDag } from '@/lib/store/api-dags';
import { listTaskInstances } from '@/lib/store/api-task-instances';
import { foldCells } from '@/lib/store/ui-grid';
import { AutoRefresh } from '../../_components/auto-refresh';
import { segmentParam } from '../../_components/format';
import { layoutDag, type GraphNodeData } from '../../_components/graph-layout';
import { GraphView } from '../../_components/graph-view';
import { RunPicker } from '../../_components/run-picker';
import { StateLegend } from '../../_components/state-badge';
import { taskHref } from '../../_components/task-order';
import { selectedRun } from '../../_lib/selected-run';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function GraphPage({ params, searchParams }: Props) {
  const dagId = segmentParam((await params).dagId);
  const sql = getRuntime().db.sql;
  const [dag, sel] = await Promise.all([findDag(sql, dagId), searchParams.then((sp) => selectedRun(sql, dagId, sp.run_id))]);
  if (!dag) return null;
  const { run } = sel;
  const tis = run ? (await listTaskInstances(sql, { dagId, runId: run.run_id }, { limit: 100_000, offset: 0 })).rows : [];
  const grouped = new Map<string, { task_id: string; state: string; n: number; mapped: boolean; map_indexes: number[] }>();
  for (const ti of tis) {
    const key = `${ti.task_id}\u0000${ti.state}`;
    const g = grouped.get(key) ?? { task_id: ti.task_id, state: ti.state, n: 0, mapped: false, map_indexes: [] };
    g.n++;
    if (ti.map_index >= 0) {
      g.mapped = true;
      g.map_indexes.push(ti.map_index);
    }
    grouped.set(key, g);
  }
  const cells = foldCells([...grouped.values()]);
  const { positions, edges } = layoutDag(dag.serialized.tasks);
  const nodes: GraphNodeData[] = dag.serialized.tasks.map((t) => {
    const cell = cells.get(t.task_id);
    const pos = positions.get(t.task_id)!;
    return {
      id: t.task_id,
      x: pos.x,
      y: pos.y,
      operator: t.operator,
      mapped: t.map_over !== null,
      state: run ? (cell?.state ?? 'none') : 'none',
      counts: cell?.mapped ? cell.counts.map((c) => `${c.n} ${c.state.replaceAll('_', ' ')}`).join(', ') : null,
      href: run && cell && !cell.mapped ? taskHref(dagId, run.run_id, t.task_id) : run && cell?.mapped ? taskHref(dagId, run.run_id, t.task_id, 0) : null,
    };
  });
  const live = run !== null && ['queued', 'running'].includes(run.state);
  return (
    <>
      <div className="toolbar">
        <RunPicker runs={sel.recent} selected={run?.run_id ?? null} />
        {!run && <span className="muted small">No runs yet: the graph shows the tasks without states.</span>}
        {sel.missing && <span className="field-error">Run “{sel.missing}” was not found; showing the latest.</span>}
        <AutoRefresh active={live} />
      </div>
      <GraphView nodes={nodes} edges={edges} />
      <StateLegend />
    </>
  );
}
