// Gantt tab: one bar per try of each task instance of the selected run — queued (pale) then running (state colour).
import Link from 'next/link';
import { getRuntime } from '@/lib/runtime/app-context';
import { findDag } from '@/lib/store/api-dags';
import { listRunTries, type TryRow } from '@/lib/store/ui-task-tries';
import { AutoRefresh } from '../../_components/auto-refresh';
import { formatDate, formatDuration, segmentParam } from '../../_components/format';
import { RunPicker } from '../../_components/run-picker';
import { taskHref, topologicalOrder } from '../../_components/task-order';
import { selectedRun } from '../../_lib/selected-run';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function GanttPage({ params, searchParams }: Props) {
  const dagId = segmentParam((await params).dagId);
  const runtime = getRuntime();
  const sql = runtime.db.sql;
  const [dag, sel] = await Promise.all([findDag(sql, dagId), searchParams.then((sp) => selectedRun(sql, dagId, sp.run_id))]);
  if (!dag) return null;
  const { run } = sel;
  if (!run) return <p className="empty">No runs yet. Trigger one to see how long its tasks take.</p>;

  const order = new Map(topologicalOrder(dag.serialized.tasks).map((t, i) => [t.task_id, i]));
  const tries = (await listRunTries(sql, dagId, run.run_id)).sort(
    (a, b) => (order.get(a.task_id) ?? 1e9) - (order.get(b.task_id) ?? 1e9) || a.map_index - b.map_index || a.try_number - b.try_number,
  );
  const now = runtime.clock.now().getTime();
  const startOf = (t: TryRow) => (t.queued_at ?? t.start_date)?.getTime();
  const starts = tries.map(startOf).filter((x): x is number => x !== undefined);
  const min = starts.length > 0 ? Math.min(...starts) : now;
  const max = Math.max(min + 1000, ...tries.map((t) => t.end_date?.getTime() ?? (t.start_date || t.queued_at ? now : min)));
  const span = max - min;
  const pct = (ms: number) => `${(((ms - min) / span) * 100).toFixed(3)}%`;
  const width = (from: number, to: number) => `${Math.max(0.4, ((to - from) / span) * 100).toFixed(3)}%`;
  const live = ['queued', 'running'].includes(run.state);

  return (
    <>
      <div className="toolbar">
        <RunPicker runs={sel.recent} selected={run.run_id} />
        {sel.missing && <span className="field-error">Run “{sel.missing}” was not found; showing the latest.</span>}
        <AutoRefresh active={live} />
      </div>
      {tries.length === 0 ? (
        <p className="empty">No task of this run has been queued yet.</p>
      ) : (
        <div className="gantt" data-testid="gantt">
          <div className="gantt-axis">
            <span>{formatDate(new Date(min))}</span>
            <span>{formatDuration(span / 1000)}</span>
          </div>
          {tries.map((t) => {
            const q = t.queued_at?.getTime();
            const s = t.start_date?.getTime();
            const e = t.end_date?.getTime() ?? now;
            const name = `${t.task_id}${t.map_index >= 0 ? `[${t.map_index}]` : ''}`;
            const href = `${taskHref(dagId, run.run_id, t.task_id, t.map_index)}${t.map_index >= 0 ? '&' : '?'}try=${t.try_number}`;
            return (
              <div key={`${t.task_id}-${t.map_index}-${t.try_number}`} className="gantt-row">
                <Link href={href} className="gantt-label" title={name}>
                  {name}{t.try_number > 1 && <span className="muted small"> try {t.try_number}</span>}
                </Link>
                <div className="gantt-track">
                  {q !== undefined && (
                    <span className="gantt-bar queued-part" style={{ left: pct(q), width: width(q, s ?? e) }}
                      title={`${name} queued ${formatDate(t.queued_at)}`} />
                  )}
                  {s !== undefined && (
                    <Link href={href} className={`gantt-bar st-${t.state}`} style={{ left: pct(s), width: width(s, e) }}
                      title={`${name} try ${t.try_number}: ${t.state} · ${formatDate(t.start_date)} → ${t.end_date ? formatDate(t.end_date) : 'now'} · ${formatDuration((e - s) / 1000)}`}>
                      <span className="sr-only">{t.state}</span>
                    </Link>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      )}
    </>
  );
}
