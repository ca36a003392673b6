'use client';
// The graph tab's canvas: React Flow with positions laid out on the server; a node's colour is its task
// instance's state in the selected run, and clicking it opens that task instance.
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeMouseHandler, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import { NODE_HEIGHT, NODE_WIDTH, type GraphEdgeData, type GraphNodeData } from './graph-layout';

type TaskNode = Node<GraphNodeData, 'task'>;

function TaskNodeView({ data }: NodeProps<TaskNode>) {
  return (
    <div className={`graph-node st-${data.state}`} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      data-task-id={data.id} data-state={data.state} title={`${data.id}: ${data.state.replaceAll('_', ' ')}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <strong>{data.id}{data.mapped ? ' [ ]' : ''}</strong>
      <small>{data.counts ?? `${data.operator} · ${data.state.replaceAll('_', ' ')}`}</small>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { task: TaskNodeView };

export function GraphView({ nodes, edges }: { nodes: GraphNodeData[]; edges: GraphEdgeData[] }) {
  const router = useRouter();
  const rfNodes = useMemo<TaskNode[]>(
    () => nodes.map((n) => ({ id: n.id, type: 'task', position: { x: n.x, y: n.y }, data: n, draggable: false, connectable: false })),
    [nodes],
  );
  const rfEdges = useMemo<Edge[]>(
    () => edges.map((e) => ({ ...e, markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 }, style: { strokeWidth: 1.5 } })),
    [edges],
  );
  const onNodeClick: NodeMouseHandler<TaskNode> = (_, node) => {
    if (node.data.href) router.push(node.data.href);
  };
  return (
    <div className="graph-canvas" data-testid="graph">
      <ReactFlow nodes={rfNodes} edges={rfEdges} nodeTypes={NODE_TYPES} onNodeClick={onNodeClick} fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }} nodesConnectable={false} nodesDraggable={false} minZoom={0.2}>
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
