// Left-to-right positions for the graph tab, computed with dagre where the page is rendered (so the browser
// downloads React Flow but not the layout engine).
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
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.task_id));
  for (const t of tasks) g.setNode(t.task_id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges: GraphEdgeData[] = [];
  for (const t of tasks) {
    for (const up of t.upstream) {
      if (!ids.has(up)) continue;
      g.setEdge(up, t.task_id);
      edges.push({ id: `${up}->${t.task_id}`, source: up, target: t.task_id });
    }
  }
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of ids) {
    const n = g.node(id) as { x: number; y: number } | undefined;
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(id, { x: (n?.x ?? 0) - NODE_WIDTH / 2, y: (n?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  return { positions, edges };
}
