'use client';
// The graph tab's canvas: a node's colour is its task instance's state in the selected run, and clicking it opens
// that task instance.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { useMemo } from 'react';
import { FlowCanvas } from './flow-canvas';
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
  const rfNodes = useMemo<TaskNode[]>(
    () => nodes.map((n) => ({ id: n.id, type: 'task', position: { x: n.x, y: n.y }, data: n, draggable: false, connectable: false })),
    [nodes],
  );
  return <FlowCanvas nodes={rfNodes} edges={edges} nodeTypes={NODE_TYPES} testId="graph" />;
}
