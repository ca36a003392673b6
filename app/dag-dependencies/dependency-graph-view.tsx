'use client';
// The DAG-dependencies canvas: DAGs and assets as nodes; asset edges solid, sensor edges dashed, trigger edges in
// the accent colour, each labelled with the task that makes it. Clicking a DAG opens it, an asset its events.
import { Handle, Position, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useMemo } from 'react';
import { FlowCanvas } from '../dags/_components/flow-canvas';
import { NODE_HEIGHT, NODE_WIDTH } from '../dags/_components/graph-layout';

// A type alias, not an interface: React Flow wants node data assignable to Record<string, unknown>.
export type DependencyNodeData = {
  id: string;
  kind: 'dag' | 'asset';
  label: string;
  missing: boolean;
  href: string | null;
  x: number;
  y: number;
};

export interface DependencyEdgeData {
  id: string;
  source: string;
  target: string;
  kind: 'asset' | 'sensor' | 'trigger';
  label: string | null;
}

type DependencyNode = Node<DependencyNodeData, 'dependency'>;

function NodeView({ data }: NodeProps<DependencyNode>) {
  const what = data.kind === 'dag' ? (data.missing ? 'DAG (not defined)' : 'DAG') : 'asset';
  return (
    <div className={`graph-node dep-${data.kind}${data.missing ? ' dep-missing' : ''}`} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      data-node-kind={data.kind} data-label={data.label} title={`${what}: ${data.label}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <strong>{data.label}</strong>
      <small>{what}</small>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { dependency: NodeView };

const EDGE_STYLE: Record<DependencyEdgeData['kind'], React.CSSProperties> = {
  asset: { strokeWidth: 1.5 },
  sensor: { strokeWidth: 1.5, strokeDasharray: '6 4' },
  trigger: { strokeWidth: 1.5, stroke: 'var(--accent)' },
};

export function DependencyGraphView({ nodes, edges }: { nodes: DependencyNodeData[]; edges: DependencyEdgeData[] }) {
  const rfNodes = useMemo<DependencyNode[]>(
    () => nodes.map((n) => ({ id: n.id, type: 'dependency', position: { x: n.x, y: n.y }, data: n, draggable: false, connectable: false })),
    [nodes],
  );
  const rfEdges = useMemo<Edge[]>(
    () => edges.map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label ?? undefined, style: EDGE_STYLE[e.kind], data: { kind: e.kind } })),
    [edges],
  );
  return <FlowCanvas nodes={rfNodes} edges={rfEdges} nodeTypes={NODE_TYPES} testId="dag-dependencies" />;
}
