// Pools: how many slots each has, how many are taken, and create / edit / delete.
import { getPools } from '@/lib/api/contracts/pools';
import { listPoolsPage } from '@/lib/api/handlers/pools';
import { getRuntime } from '@/lib/runtime/app-context';
import { PoolsManager } from '../dags/_components/pools-manager';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Pools · Flashflow' };

export default async function PoolsPage() {
  const page = await listPoolsPage(getRuntime(), getPools.query.parse({ limit: '1000' }));
  return (
    <>
      <h1>Pools</h1>
      <p className="muted">
        A pool caps how many task instances that name it hold a slot at once — e.g. <code>llm</code> limits parallel
        calls to the model. Tasks without a pool use <code>default_pool</code>.
      </p>
      <PoolsManager pools={page.pools.map((p) => ({
        name: p.name, slots: p.slots, occupied_slots: p.occupied_slots, running_slots: p.running_slots,
        queued_slots: p.queued_slots, open_slots: p.open_slots, description: p.description ?? null,
      }))} />
    </>
  );
}
