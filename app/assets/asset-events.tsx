// An asset's events, newest first: when, which task instance made it, what it carried (`extra`), and the runs it
// triggered.
import Link from 'next/link';
import type { AssetEventRow } from '@/lib/store/api-assets';
import { formatDate } from '../dags/_components/format';
import { previewJson } from '../dags/_components/json-preview';
import { StateBadge } from '../dags/_components/state-badge';
import { taskHref } from '../dags/_components/task-order';
import { assetHref, runHref } from './asset-links';

/** An event's extra is the producer's result; the page shows this much of it. */
const EXTRA_CHARS = 4_000;

/** `withAsset` adds a column naming each event's asset, for events of several assets (a run's). */
export function AssetEvents({ events, withAsset = false }: { events: AssetEventRow[]; withAsset?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="asset-events">
        <thead>
          <tr>
            {withAsset && <th scope="col">Asset</th>}
            <th scope="col">Time</th><th scope="col">Made by</th><th scope="col">Triggered</th><th scope="col">Extra</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              {withAsset && <td className="wrap"><Link href={assetHref(e.uri)}><code>{e.uri}</code></Link></td>}
              <td>{formatDate(e.timestamp)}</td>
              <td><Source event={e} /></td>
              <td>
                {e.created_dagruns.length === 0 ? '—' : e.created_dagruns.map((r) => (
                  <div key={`${r.dag_id}/${r.run_id}`}>
                    <Link href={runHref(r.dag_id, r.run_id)}>{r.dag_id} · {r.run_id}</Link> <StateBadge state={r.state} />
                  </div>
                ))}
              </td>
              <td><Extra value={e.extra} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Source({ event: e }: { event: AssetEventRow }) {
  if (!e.source_dag_id || !e.source_run_id) return <span className="muted">outside a DAG run</span>;
  return (
    <>
      <Link href={runHref(e.source_dag_id, e.source_run_id)}>{e.source_dag_id} · {e.source_run_id}</Link>
      {e.source_task_id && (
        <>
          {' '}task <Link href={taskHref(e.source_dag_id, e.source_run_id, e.source_task_id, e.source_map_index)}>
            {e.source_task_id}{e.source_map_index >= 0 ? `[${e.source_map_index}]` : ''}
          </Link>
        </>
      )}
    </>
  );
}

function Extra({ value }: { value: Record<string, unknown> }) {
  if (Object.keys(value).length === 0) return <span className="muted">—</span>;
  const preview = previewJson(value, EXTRA_CHARS);
  return (
    <details>
      <summary>{Object.keys(value).slice(0, 4).join(', ')}{Object.keys(value).length > 4 ? ', …' : ''}</summary>
      <pre className="json-preview">{preview.text}{preview.cut ? `\n… (${preview.total - preview.text.length} more characters)` : ''}</pre>
    </details>
  );
}
