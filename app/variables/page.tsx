// Variables: key, value (masked when the key looks like a secret) and description; create / edit / delete.
import { getVariables } from '@/lib/api/contracts/variables';
import { getRuntime } from '@/lib/runtime/app-context';
import { isSensitiveKey } from '@/lib/connections/connection-model';
import { listVariables } from '@/lib/store/variables';
import { VariablesManager } from '../dags/_components/variables-manager';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Variables · Flashflow' };

export default async function VariablesPage() {
  const q = getVariables.query.parse({ limit: '1000' });
  const page = await listVariables(getRuntime().db.sql, q, q.order_by);
  return (
    <>
      <h1>Variables</h1>
      <p className="muted">Key/value settings for DAGs. Values of keys that look like secrets are not shown.</p>
      <VariablesManager variables={page.rows.map((v) => ({
        key: v.key, value: isSensitiveKey(v.key) ? null : v.value, description: v.description,
      }))} />
    </>
  );
}
