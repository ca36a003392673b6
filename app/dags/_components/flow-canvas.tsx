'use client';
// The React Flow canvas both graphs draw on (a DAG's tasks, and the DAGs' dependencies on each other): positions
// laid out on the server, read-only, and a click on a node opens the page its data names.
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node, type NodeMouseHandler, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';

export type CanvasNode = Node<{ href: string | null }>;

interface Props {
  nodes: CanvasNode[];
  edges: Edge[];
  nodeTypes: NodeTypes;
  testId: string;
}

export function FlowCanvas({ nodes, edges, nodeTypes, testId }: Props) {
  const router = useRouter();
  const rfEdges = useMemo<Edge[]>(
    () => edges.map((e) => ({ markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 }, style: { strokeWidth: 1.5 }, ...e })),
    [edges],
  );
  const onNodeClick: NodeMouseHandler<CanvasNode> = (_, node) => {
    if (node.data.href) router.push(node.data.href);
  };
  return (
    <div className="graph-canvas" data-testid={testId}>
      <ReactFlow nodes={nodes} edges={rfEdges} nodeTypes={nodeTypes} onNodeClick={onNodeClick} fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }} nodesConnectable={false} nodesDraggable={false} minZoom={0.2}>
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
