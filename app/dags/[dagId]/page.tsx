// The grid (default tab): the latest runs × the DAG's tasks, each cell coloured by its task instance's state.
import Link from 'next/link';
import { getRuntime } from '@/lib/runtime/app-context';
import { findDag } from '@/lib/store/api-dags';
import { loadGrid, type GridCell } from '@/lib/store/ui-grid';
import { AutoRefresh } from '../_components/auto-refresh';
import { formatDate } from '../_components/format';
import { DagDocs } from '../_components/markdown-doc';
import { RunAssetEvents } from '../_components/run-asset-events';
import { StateBadge, StateLegend } from '../_components/state-badge';
import { taskHref, topologicalOrder } from '../_components/task-order';
import { segmentParam } from '../_components/format';

export const dynamic = 'force-dynamic';

const ACTIVE_RUN_STATES = new Set(['queued', 'running']);

interface Props {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function GridPage({ params, searchParams }: Props) {
  const dagId = segmentParam((await params).dagId);
  const sp = await searchParams;
  const sql = getRuntime().db.sql;
  const [dag, grid] = await Promise.all([findDag(sql, dagId), loadGrid(sql, dagId, 25)]);
  if (!dag) return null; // the layout answers 404
  const tasks = topologicalOrder(dag.serialized.tasks);
  const selectedId = typeof sp.run_id === 'string' ? sp.run_id : grid.runs.at(-1)?.run_id;
  const selected = grid.runs.find((r) => r.run_id === selectedId) ?? null;
  const live = grid.runs.some((r) => ACTIVE_RUN_STATES.has(r.state));
  const base = `/dags/${encodeURIComponent(dagId)}`;

  if (grid.runs.length === 0) {
    return (
      <>
        <DagDocs doc={dag.serialized.doc} />
        <div className="empty">
          <h2>No runs yet</h2>
          <p>
            {dag.serialized.schedule ? `Runs are created on the schedule (${dag.serialized.schedule}) while the DAG is unpaused, or` : 'This DAG runs'}{' '}
            when you press <strong>Trigger</strong> above.
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <DagDocs doc={dag.serialized.doc} />
      <div className="toolbar">
        <span className="muted small">Latest {grid.runs.length} runs, oldest on the left.</span>
        <AutoRefresh active={live} />
      </div>
      <div className="table-wrap">
        <table className="grid" data-testid="grid">
          <thead>
            <tr>
              <th scope="col" className="grid-task">Task</th>
              {grid.runs.map((r) => (
                <th key={r.run_id} scope="col" className={r.run_id === selected?.run_id ? 'selected' : undefined}>
                  <Link href={`${base}?run_id=${encodeURIComponent(r.run_id)}`} className={`run-bar st-${r.state}`}
                    title={`${r.run_id} · ${r.state} · ${formatDate(r.logical_date)}`} data-run-id={r.run_id} data-state={r.state}>
                    <span className="sr-only">{r.run_id}: {r.state}</span>
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.task_id}>
                <th scope="row" className="grid-task">
                  {t.task_id}
                  {t.map_over !== null && <span className="muted small"> [ ]</span>}
                </th>
                {grid.runs.map((r) => (
                  <td key={r.run_id} className={r.run_id === selected?.run_id ? 'selected' : undefined}>
                    <Cell dagId={dagId} runId={r.run_id} taskId={t.task_id} mapped={t.map_over !== null}
                      cell={grid.cells.get(r.run_id)?.get(t.task_id)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StateLegend />
      {selected && (
        <section className="panel" aria-label="Selected run">
          <h2>Run {selected.run_id}</h2>
          <dl className="facts">
            <dt>State</dt><dd><StateBadge state={selected.state} /></dd>
            <dt>Type</dt><dd>{selected.run_type}</dd>
            <dt>Logical date</dt><dd>{formatDate(selected.logical_date)}</dd>
            <dt>Started</dt><dd>{formatDate(selected.start_date)}</dd>
            <dt>Ended</dt><dd>{formatDate(selected.end_date)}</dd>
          </dl>
          <p>
            <Link href={`${base}/graph?run_id=${encodeURIComponent(selected.run_id)}`}>Graph</Link>
            {' · '}
            <Link href={`${base}/gantt?run_id=${encodeURIComponent(selected.run_id)}`}>Gantt</Link>
          </p>
          <RunAssetEvents dagId={dagId} runId={selected.run_id} />
        </section>
      )}
    </>
  );
}

function Cell({ dagId, runId, taskId, mapped, cell }: { dagId: string; runId: string; taskId: string; mapped: boolean; cell: GridCell | undefined }) {
  const state = cell?.state ?? 'none';
  const label = `${taskId} in ${runId}: ${state.replaceAll('_', ' ')}`;
  if (!cell || !cell.mapped) {
    return (
      <Link href={taskHref(dagId, runId, taskId)} className={`cell st-${state}`} title={label}
        data-task-id={taskId} data-state={state} aria-label={label}>
        {mapped && cell ? <span className="cell-count">0</span> : null}
      </Link>
    );
  }
  return (
    <details className="mapped">
      <summary className={`cell st-${state}`} title={`${label} (${cell.total} mapped)`} data-task-id={taskId} data-state={state}>
        <span className="cell-count">{cell.total}</span>
        <span className="sr-only">{label}, {cell.total} mapped instances</span>
      </summary>
      <div className="mapped-pop">
        <Link href={taskHref(dagId, runId, taskId)}>{cell.total} instances</Link>
        <ul>
          {cell.counts.map((c) => (
            <li key={c.state}>
              <span className={`sq st-${c.state}`} aria-hidden /> {c.state.replaceAll('_', ' ')}: {c.n}
              <span className="map-links">
                {c.map_indexes.slice(0, 40).map((i) => (
                  <Link key={i} href={taskHref(dagId, runId, taskId, i)}>[{i}]</Link>
                ))}
                {c.map_indexes.length > 40 && <span className="muted"> …</span>}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
