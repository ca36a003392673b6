// Details tab: what the DAG file declares — schedule, params schema, file, tags, owners, doc.
import { getRuntime } from '@/lib/runtime/app-context';
import { findDag } from '@/lib/store/api-dags';
import { formatDate, segmentParam } from '../../_components/format';
import { MarkdownDoc } from '../../_components/markdown-doc';
import { paramFields } from '../../_components/params-fields';

export const dynamic = 'force-dynamic';

export default async function DetailsPage({ params }: { params: Promise<{ dagId: string }> }) {
  const dagId = segmentParam((await params).dagId);
  const dag = await findDag(getRuntime().db.sql, dagId);
  if (!dag) return null;
  const s = dag.serialized;
  const fields = paramFields(s.params_schema);
  const schedule = s.schedule ?? (s.schedule_assets.length > 0 ? `on assets: ${s.schedule_assets.join(', ')}` : 'manual only (no schedule)');
  return (
    <div className="details">
      <section className="panel">
        <h2>DAG</h2>
        <dl className="facts">
          <dt>Description</dt><dd>{s.description ?? '—'}</dd>
          <dt>Schedule</dt><dd><code>{schedule}</code>{s.schedule && <span className="muted"> ({s.timezone})</span>}</dd>
          <dt>Next run</dt><dd>{dag.is_paused ? 'paused' : formatDate(dag.next_dagrun)}</dd>
          <dt>Start / end</dt><dd>{formatDate(s.start_date)} → {s.end_date ? formatDate(s.end_date) : 'open'}</dd>
          <dt>Catchup</dt><dd>{s.catchup ? 'yes' : 'no'}</dd>
          <dt>Max active runs / tasks</dt><dd>{s.max_active_runs} / {s.max_active_tasks}</dd>
          <dt>File</dt><dd><code className="wrap">{dag.fileloc}</code></dd>
          <dt>Last parsed</dt><dd>{formatDate(dag.last_parsed_time)}</dd>
          <dt>Owners</dt><dd>{dag.owners.join(', ') || '—'}</dd>
          <dt>Tags</dt><dd>{dag.tags.length > 0 ? dag.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
          <dt>Tasks</dt><dd>{s.tasks.length}: {s.tasks.map((t) => t.task_id).join(', ')}</dd>
        </dl>
      </section>
      <section className="panel">
        <h2>Params</h2>
        {fields.length === 0 ? (
          <p className="muted">No params: runs start with an empty conf.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Default</th><th scope="col">Description</th></tr></thead>
              <tbody>
                {fields.map((f) => (
                  <tr key={f.name}>
                    <td><code>{f.name}</code>{f.required && <span className="req"> *</span>}</td>
                    <td>{f.kind === 'enum' ? `one of ${f.options.join(', ')}` : f.kind}</td>
                    <td>{f.hasDefault ? <code>{JSON.stringify(f.defaultValue)}</code> : '—'}</td>
                    <td>{f.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <details>
          <summary>JSON Schema</summary>
          <pre>{JSON.stringify(s.params_schema ?? {}, null, 2)}</pre>
        </details>
      </section>
      {s.doc && (
        <section className="panel">
          <h2>Documentation</h2>
          <MarkdownDoc source={s.doc} />
        </section>
      )}
    </div>
  );
}
