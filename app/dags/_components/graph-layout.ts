// Left-to-right positions for the graph tab and the DAG-dependencies graph, computed with dagre where the page is
// rendered (so the browser downloads React Flow but not the layout engine).
import { Graph, layout } from '@dagrejs/dagre';
import type { SerializedTask } from '@/lib/engine/dag-model';

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 44;

// A type alias, not an interface: React Flow wants node data assignable to Record<string, unknown>.
export type GraphNodeData = {
  id: string;
  x: number;
  y: number;
  operator: string;
  mapped: boolean;
  state: string;
  /** "3 success, 1 failed" for mapped tasks, else null. */
  counts: string | null;
  href: string | null;
};

export interface GraphEdgeData {
  id: string;
  source: string;
  target: string;
}

export function layoutDag(tasks: SerializedTask[]): { positions: Map<string, { x: number; y: number }>; edges: GraphEdgeData[] } {
  const ids = new Set(tasks.map((t) => t.task_id));
  const edges: GraphEdgeData[] = tasks.flatMap((t) =>
    t.upstream.filter((up) => ids.has(up)).map((up) => ({ id: `${up}->${t.task_id}`, source: up, target: t.task_id })),
  );
  return { positions: layoutGraph([...ids], edges), edges };
}

/** Top-left corners of nodes of the same size laid out left to right along `edges` (the DAG-dependencies graph too). */
export function layoutGraph(
  ids: readonly string[],
  edges: ReadonlyArray<{ source: string; target: string }>,
  size: { width: number; height: number } = { width: NODE_WIDTH, height: NODE_HEIGHT },
): Map<string, { x: number; y: number }> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, { width: size.width, height: size.height });
  edges.forEach((e, i) => g.setEdge(e.source, e.target, {}, String(i)));
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of ids) {
    const n = g.node(id) as { x: number; y: number } | undefined;
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(id, { x: (n?.x ?? 0) - size.width / 2, y: (n?.y ?? 0) - size.height / 2 });
  }
  return positions;
}
