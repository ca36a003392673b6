// One task instance: its state and tries, the task's doc, its result, artifacts and alerts, its log per try (live
// while running), and the clear / mark actions. A mapped task without ?map_index= lists its instances.
import Link from 'next/link';
import { getRuntime } from '@/lib/runtime/app-context';
import { findDagRun } from '@/lib/store/api-dag-runs';
import { findDag } from '@/lib/store/api-dags';
import { findTaskInstance, listTaskInstances } from '@/lib/store/api-task-instances';
import { listRunTries } from '@/lib/store/ui-task-tries';
import { unservedQueueNote } from '@/lib/store/workers';
import { AutoRefresh } from '../../../../../_components/auto-refresh';
import { formatDate, formatDuration, segmentParam } from '../../../../../_components/format';
import { LogViewer } from '../../../../../_components/log-viewer';
import { MarkdownDoc } from '../../../../../_components/markdown-doc';
import { StateBadge } from '../../../../../_components/state-badge';
import { TaskActions } from '../../../../../_components/task-actions';
import { taskHref } from '../../../../../_components/task-order';
import { TaskAlerts } from '../../../../../_components/ti-alerts';
import { TaskArtifacts } from '../../../../../_components/ti-artifacts';
import { TaskResult } from '../../../../../_components/ti-result';
import { IN_FLIGHT_STATES } from '@/lib/engine/task-states';

export const dynamic = 'force-dynamic';

const ACTIVE: ReadonlySet<string> = new Set(IN_FLIGHT_STATES);

interface Props {
  params: Promise<{ dagId: string; runId: string; taskId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function intParam(v: string | string[] | undefined): number | null {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return null;
  return Number(v);
}

export default async function TaskInstancePage({ params, searchParams }: Props) {
  const p = await params;
  const [dagId, runId, taskId] = [segmentParam(p.dagId), segmentParam(p.runId), segmentParam(p.taskId)];
  const sp = await searchParams;
  const sql = getRuntime().db.sql;
  const [dag, run] = await Promise.all([findDag(sql, dagId), findDagRun(sql, dagId, runId)]);
  if (!dag) return null;
  const runLink = `/dags/${encodeURIComponent(dagId)}?run_id=${encodeURIComponent(runId)}`;
  const task = dag.serialized.tasks.find((t) => t.task_id === taskId);
  if (!run || !task) {
    return (
      <div className="empty">
        <h2>Not found</h2>
        <p>{!run ? `DAG ${dagId} has no run “${runId}”.` : `DAG ${dagId} has no task “${taskId}”.`} <Link href={`/dags/${encodeURIComponent(dagId)}`}>Back to the grid</Link>.</p>
      </div>
    );
  }
  const requestedIndex = intParam(sp.map_index);
  let mapIndex = requestedIndex ?? -1;
  let ti = await findTaskInstance(sql, { dagId, runId, taskId, mapIndex });
  if (!ti && requestedIndex === null && task.map_over !== null) {
    // A mapped task: list its instances (or, while unexpanded, show the placeholder).
    const mapped = (await listTaskInstances(sql, { dagId, runId, mappedTaskId: taskId }, { limit: 10_000, offset: 0 })).rows;
    if (mapped.length > 0) {
      return (
        <>
          <Header runId={runId} taskId={taskId} runLink={runLink} mapIndex={null} />
          <section className="panel">
            <h2>{mapped.length} mapped instances</h2>
            <div className="table-wrap">
              <table className="table">
                <thead><tr><th scope="col">Map index</th><th scope="col">State</th><th scope="col">Tries</th><th scope="col">Duration</th></tr></thead>
                <tbody>
                  {mapped.map((m) => (
                    <tr key={m.map_index}>
                      <td><Link href={taskHref(dagId, runId, taskId, m.map_index)}>[{m.map_index}]</Link></td>
                      <td><StateBadge state={m.state} /></td>
                      <td>{m.try_number}</td>
                      <td>{formatDuration(m.duration)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <TaskActions dagId={dagId} runId={runId} taskId={taskId} mapped downstream={task.downstream} />
        </>
      );
    }
  }
  if (!ti && requestedIndex === null) {
    mapIndex = -1;
    ti = await findTaskInstance(sql, { dagId, runId, taskId, mapIndex });
  }
  if (!ti) {
    return (
      <>
        <Header runId={runId} taskId={taskId} runLink={runLink} mapIndex={requestedIndex} />
        <p className="empty">This task has no instance{requestedIndex !== null ? ` with map index ${requestedIndex}` : ''} in this run yet.</p>
      </>
    );
  }
  const key = { dagId, runId, taskId, mapIndex: ti.map_index };
  const tries = await listRunTries(sql, dagId, runId, { taskId, mapIndex });
  // A queued try nobody takes says why, rather than looking stuck (ADR 0028).
  const queueNote = ti.state === 'queued' ? await unservedQueueNote(sql, ti.queue, getRuntime().clock.now()) : null;
  const lastError = [...tries].reverse().find((t) => t.error)?.error ?? null;
  const requestedTry = intParam(sp.try);
  const initialTry = requestedTry !== null && requestedTry >= 1 && requestedTry <= ti.try_number ? requestedTry : ti.try_number;

  return (
    <>
      <Header runId={runId} taskId={taskId} runLink={runLink} mapIndex={ti.map_index >= 0 ? ti.map_index : null} />
      <div className="toolbar">{/* A cleared instance sits in 'none' until the scheduler picks it up: keep refreshing while its run is active. */}
        <AutoRefresh active={ACTIVE.has(ti.state) || ['queued', 'running'].includes(run.state)} /></div>
      <section className="panel">
        <dl className="facts">
          <dt>State</dt><dd data-testid="ti-state"><StateBadge state={ti.state} /></dd>
          <dt>Try</dt><dd>{ti.try_number} of {ti.max_tries + 1}</dd>
          <dt>Operator</dt><dd>{ti.operator}</dd>
          <dt>Pool</dt><dd>{ti.pool} ({ti.pool_slots} slot{ti.pool_slots === 1 ? '' : 's'})</dd>
          <dt>Queue</dt><dd data-testid="ti-queue">{ti.queue}</dd>
          <dt>Queued</dt><dd>{formatDate(ti.queued_at)}</dd>
          <dt>Started</dt><dd>{formatDate(ti.start_date)}</dd>
          <dt>Ended</dt><dd>{formatDate(ti.end_date)}</dd>
          <dt>Duration</dt><dd>{formatDuration(ti.duration)}</dd>
          <dt>Host</dt><dd>{ti.hostname || '—'}{ti.pid ? ` (pid ${ti.pid})` : ''}</dd>
        </dl>
        {queueNote && (
          <div className="form-error" data-testid="ti-queue-note">
            <strong>Waiting:</strong> {queueNote}
          </div>
        )}
        {lastError && (
          <div className="form-error">
            <strong>Error:</strong> <span className="pre-wrap">{lastError}</span>
          </div>
        )}
      </section>
      <TaskActions dagId={dagId} runId={runId} taskId={taskId} mapped={task.map_over !== null} downstream={task.downstream} />
      {task.doc && (
        <section className="panel">
          <h2>Task docs</h2>
          <MarkdownDoc source={task.doc} />
        </section>
      )}
      <TaskResult ti={key} />
      <TaskArtifacts ti={key} />
      {tries.length > 0 && (
        <section className="panel">
          <h2>Tries</h2>
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th scope="col">Try</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col" className="hide-narrow">Host</th><th scope="col">Error</th></tr></thead>
              <tbody>
                {tries.map((t) => (
                  <tr key={t.try_number}>
                    <td>{t.try_number}</td>
                    <td><StateBadge state={t.state} /></td>
                    <td>{formatDate(t.start_date)}</td>
                    <td>{formatDuration(t.duration)}</td>
                    <td className="hide-narrow">{t.hostname ?? '—'}</td>
                    <td className="error-cell">{t.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <TaskAlerts ti={key} />
      {ti.try_number > 0 ? (
        <LogViewer key={`${ti.try_number}`} dagId={dagId} runId={runId} taskId={taskId} mapIndex={ti.map_index} tries={ti.try_number} initialTry={initialTry} />
      ) : (
        <p className="empty">This task instance has not run yet, so it has no log.</p>
      )}
    </>
  );
}

function Header({ runId, taskId, runLink, mapIndex }: { runId: string; taskId: string; runLink: string; mapIndex: number | null }) {
  return (
    <div className="ti-head">
      <h2>
        Task <code>{taskId}{mapIndex !== null ? `[${mapIndex}]` : ''}</code>
      </h2>
      <p className="muted small">Run <Link href={runLink}>{runId}</Link></p>
    </div>
  );
}
