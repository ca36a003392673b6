// The DAG list, as in Airflow: id, owner, schedule, next run, latest run states, pause switch and trigger.
import Link from 'next/link';
import { getDags } from '@/lib/api/contracts/dags';
import { getImportErrors } from '@/lib/api/contracts/monitoring';
import { listDagsPage } from '@/lib/api/handlers/dags';
import { listImportErrors } from '@/lib/api/handlers/monitoring';
import { getRuntime } from '@/lib/runtime/app-context';
import { loadDagListExtras } from '@/lib/store/ui-dag-list';
import { formatDate } from './_components/format';
import { PauseToggle } from './_components/pause-toggle';
import { TriggerButton } from './_components/trigger-button';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'DAGs · Flashflow' };

export default async function DagsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const search = typeof sp.search === 'string' ? sp.search.trim() : '';
  const runtime = getRuntime();
  const [page, errors] = await Promise.all([
    listDagsPage(runtime, getDags.query.parse({ dag_id_pattern: search || undefined, limit: '500' })),
    listImportErrors(runtime, getImportErrors.query.parse({ limit: '0' })),
  ]);
  const extras = await loadDagListExtras(runtime.db.sql, page.dags.map((d) => d.dag_id));

  return (
    <>
      <div className="page-head">
        <h1>DAGs</h1>
        <form className="search" role="search">
          <input type="search" name="search" defaultValue={search} placeholder="Search DAGs" aria-label="Search DAGs by id" />
        </form>
      </div>
      {errors.total_entries > 0 && (
        <div className="notice error-banner" role="status" data-testid="import-errors-banner">
          <strong>{errors.total_entries === 1 ? '1 DAG file' : `${errors.total_entries} DAG files`} failed to load.</strong>{' '}
          Their DAGs are missing below until the file is fixed. <Link href="/import-errors">See the import errors</Link>.
        </div>
      )}
      {page.dags.length === 0 ? (
        search ? (
          <p className="empty">No DAG id contains “{search}”. <Link href="/dags">Show all DAGs</Link>.</p>
        ) : (
          <div className="empty">
            <h2>No DAGs yet</h2>
            <p>
              Put DAG files (TypeScript modules that export <code>dag(…)</code> definitions) in the workflows folder —{' '}
              <code>workflows/</code> in the app, or the folder set by <code>FLASHFLOW_DAGS_FOLDER</code>. Flashflow picks up
              new and changed files within seconds.
            </p>
          </div>
        )
      ) : (
        <div className="table-wrap">
          <table className="table dag-list">
            <thead>
              <tr>
                <th scope="col"><span className="sr-only">Active</span></th>
                <th scope="col">DAG</th>
                <th scope="col" className="hide-narrow">Owner</th>
                <th scope="col">Runs</th>
                <th scope="col" className="hide-narrow">Schedule</th>
                <th scope="col" className="hide-narrow">Next run</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {page.dags.map((d) => {
                const extra = extras.get(d.dag_id);
                const href = `/dags/${encodeURIComponent(d.dag_id)}`;
                return (
                  <tr key={d.dag_id} data-dag-id={d.dag_id}>
                    <td><PauseToggle dagId={d.dag_id} paused={d.is_paused ?? false} /></td>
                    <td>
                      <Link href={href} className="dag-link">{d.dag_id}</Link>
                      {d.description && <div className="muted small">{d.description}</div>}
                      {(d.tags ?? []).length > 0 && (
                        <div className="tags">{(d.tags ?? []).map((t) => <span key={t.name} className="tag">{t.name}</span>)}</div>
                      )}
                    </td>
                    <td className="hide-narrow">{(d.owners ?? []).join(', ') || '—'}</td>
                    <td>
                      {extra && extra.recentRuns.length > 0 ? (
                        <span className="run-dots" aria-label="Latest runs, newest first">
                          {extra.recentRuns.map((r) => (
                            <Link key={r.run_id} href={`${href}?run_id=${encodeURIComponent(r.run_id)}`}
                              className={`dot st-${r.state}`} title={`${r.run_id}: ${r.state}`}>
                              <span className="sr-only">{r.state}</span>
                            </Link>
                          ))}
                        </span>
                      ) : (
                        <span className="muted small">no runs</span>
                      )}
                    </td>
                    <td className="hide-narrow"><code>{d.timetable_description ?? '—'}</code></td>
                    <td className="hide-narrow small">{d.is_paused ? <span className="muted">paused</span> : formatDate(d.next_dagrun)}</td>
                    <td className="actions"><TriggerButton dagId={d.dag_id} paramsSchema={extra?.paramsSchema ?? null} compact /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {page.total_entries > page.dags.length && (
            <p className="muted small">Showing {page.dags.length} of {page.total_entries} DAGs; search to narrow the list.</p>
          )}
        </div>
      )}
    </>
  );
}
