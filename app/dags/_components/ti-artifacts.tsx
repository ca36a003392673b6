// The files a task instance left in its artifacts folder, each opened through the API (sandboxed: a report's
// HTML shows, its scripts do not run).
import { listTaskArtifacts } from '@/lib/artifacts/artifact-paths';
import { formatBytes } from '@/lib/kernel/format-bytes';
import { getRuntime } from '@/lib/runtime/app-context';
import { formatDate } from './format';
import { taskApiHref } from './task-order';
import type { TaskInstanceKey } from './ti-key';

export async function TaskArtifacts({ ti }: { ti: TaskInstanceKey }) {
  const files = await listTaskArtifacts(getRuntime().config.home, ti);
  return (
    <section className="panel" aria-labelledby="ti-artifacts">
      <h2 id="ti-artifacts">Artifacts</h2>
      {files.length === 0 ? (
        <p className="muted">No files: a task writes its models, reports and charts to <code>ctx.artifactsDir</code>.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="artifacts">
            <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th></tr></thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.name}>
                  <td className="wrap"><a href={taskApiHref(ti, `artifacts/${encodeURIComponent(f.name)}`)} target="_blank" rel="noopener">{f.name}</a></td>
                  <td>{formatBytes(f.bytes)}</td>
                  <td>{formatDate(f.modifiedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
