// DAG dependencies (Airflow's view of the same name): how the active DAGs feed each other through assets,
// external-task sensors and triggerDag tasks, laid out left to right.
import Link from 'next/link';
import { dagDependencies } from '@/lib/assets/dag-dependencies';
import { getRuntime } from '@/lib/runtime/app-context';
import { listActiveDagDefinitions } from '@/lib/store/api-dags';
import { assetHref, dagHref } from '../assets/asset-links';
import { layoutGraph } from '../dags/_components/graph-layout';
import { DependencyGraphView, type DependencyNodeData } from './dependency-graph-view';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'DAG dependencies · Flashflow' };

export default async function DagDependenciesPage() {
  const graph = dagDependencies(await listActiveDagDefinitions(getRuntime().db.sql));
  // DAGs that depend on nothing and nothing depends on are left out: the page is about the links.
  const linked = new Set(graph.edges.flatMap((e) => [e.source, e.target]));
  const shown = graph.nodes.filter((n) => linked.has(n.id));
  const positions = layoutGraph(shown.map((n) => n.id), graph.edges);
  const nodes: DependencyNodeData[] = shown.map((n) => ({
    id: n.id,
    kind: n.kind,
    label: n.kind === 'dag' ? n.dagId : n.uri,
    missing: n.kind === 'dag' && n.missing,
    href: n.kind === 'asset' ? assetHref(n.uri) : n.missing ? null : dagHref(n.dagId),
    ...positions.get(n.id)!,
  }));
  const edges = graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, kind: e.kind, label: e.taskId }));
  return (
    <>
      <div className="page-head">
        <h1>DAG dependencies</h1>
        <Link href="/assets">Assets</Link>
      </div>
      {edges.length === 0 ? (
        <div className="empty">
          <p>
            No DAG depends on another: none updates an asset another is scheduled on or senses, waits for another with
            an external-task sensor, or starts one with <code>triggerDag</code>.
          </p>
        </div>
      ) : (
        <>
          <DependencyGraphView nodes={nodes} edges={edges} />
          <ul className="legend" aria-label="Edges">
            <li><span className="edge-key" aria-hidden /> produces / is scheduled on an asset</li>
            <li><span className="edge-key dashed" aria-hidden /> waits with a sensor</li>
            <li><span className="edge-key trigger" aria-hidden /> triggers a run</li>
          </ul>
        </>
      )}
    </>
  );
}
