// The alerts raised for a task instance, one row per channel, with whether each was delivered.
import { getRuntime } from '@/lib/runtime/app-context';
import { listNotifications } from '@/lib/store/notifications';
import { formatDate } from './format';
import type { TaskInstanceKey } from './ti-key';

/** A task that keeps failing raises two alerts a try at most; a page of them covers any real history. */
const SHOWN = 200;

export async function TaskAlerts({ ti }: { ti: TaskInstanceKey }) {
  const alerts = await listNotifications(getRuntime().db.prisma, { ...ti, limit: SHOWN });
  return (
    <section className="panel" aria-labelledby="ti-alerts">
      <h2 id="ti-alerts">Alerts</h2>
      {alerts.length === 0 ? (
        <p className="muted">
          None raised: a failed or retried try raises one when the task asks for it (<code>emailOnFailure</code>,{' '}
          <code>emailOnRetry</code>).
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="alerts">
            <thead>
              <tr>
                <th scope="col">Channel</th><th scope="col">Kind</th><th scope="col">Try</th><th scope="col">Recipient</th>
                <th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id}>
                  <td>{a.channel}</td>
                  <td>{a.kind}</td>
                  <td>{a.tryNumber}</td>
                  <td className="wrap">{a.recipient ?? '—'}</td>
                  <td className={a.status === 'sent' ? 'ok' : a.status === 'pending' ? undefined : 'bad'}>{a.status}</td>
                  <td>{a.attempts}</td>
                  <td className="error-cell">{a.lastError ?? ''}</td>
                  <td>{formatDate(a.sentAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
