// DAG files that failed to load, with the error each produced; every other DAG keeps running meanwhile.
import { getImportErrors } from '@/lib/api/contracts/monitoring';
import { listImportErrors } from '@/lib/api/handlers/monitoring';
import { getRuntime } from '@/lib/runtime/app-context';
import { formatDate } from '../dags/_components/format';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Import errors · Flashflow' };

export default async function ImportErrorsPage() {
  const page = await listImportErrors(getRuntime(), getImportErrors.query.parse({ limit: '1000', order_by: 'filename' }));
  return (
    <>
      <h1>Import errors</h1>
      {page.import_errors.length === 0 ? (
        <p className="empty">Every DAG file in the workflows folder loads. Nothing to fix.</p>
      ) : (
        <>
          <p className="muted">These files could not be loaded, so their DAGs are not scheduled until the file is fixed. Saving the file reloads it.</p>
          {page.import_errors.map((e) => (
            <section key={e.import_error_id} className="panel import-error" data-testid="import-error">
              <h2><code className="wrap">{e.filename}</code></h2>
              <p className="muted small">since {formatDate(e.timestamp)}</p>
              <pre className="stack">{e.stack_trace}</pre>
            </section>
          ))}
        </>
      )}
    </>
  );
}
