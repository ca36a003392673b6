// Connections: the masked list (no passwords, secret-looking values of extra masked), create, edit and delete.
import { getConnections } from '@/lib/api/contracts/connections';
import { getConnectionOne, listConnectionsPage } from '@/lib/api/handlers/connections';
import { getRuntime } from '@/lib/runtime/app-context';
import { listPluginConnectionTypes } from '@/lib/store/plugin-connection-types';
import { ConnectionsManager } from '../dags/_components/connections-manager';
import { testConnectionAction } from './actions';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Connections · Flashflow' };

export default async function ConnectionsPage() {
  const runtime = getRuntime();
  const page = await listConnectionsPage(runtime, getConnections.query.parse({ limit: '1000' }));
  // The list item has no extra (as in Airflow); the page shows it masked, one connection at a time.
  const connections = await Promise.all(page.connections.map((c) => getConnectionOne(runtime, c.connection_id)));
  // The plugins' types as the DAG processor stored them: this process never imports a plugin (ADR 0025).
  const pluginTypes = await listPluginConnectionTypes(runtime.db.sql);
  return (
    <>
      <h1>Connections</h1>
      <p className="muted">
        Hosts and credentials tasks reach through <code>connections.get</code>. Passwords are stored encrypted and
        never shown; <code>FLASHFLOW_CONN_*</code> environment variables take precedence over these. The same from a
        shell: <code>flashflow connections add|get|list|test|delete</code>.
      </p>
      <ConnectionsManager connections={connections.map((c) => ({
        connection_id: c.connection_id, conn_type: c.conn_type, description: c.description ?? null, host: c.host ?? null,
        login: c.login ?? null, schema: c.schema ?? null, port: c.port ?? null, extra: c.extra ?? null,
      }))} testConnection={testConnectionAction} pluginTypes={pluginTypes} />
    </>
  );
}
