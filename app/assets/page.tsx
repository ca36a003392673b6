// Assets (Airflow's datasets): every URI a DAG's task updates or a DAG is scheduled on, which DAGs produce and
// consume it, and its latest events, each with the run that made it and the runs it triggered. `?uri=` shows one
// asset with more of its events.
import Link from 'next/link';
import { getRuntime } from '@/lib/runtime/app-context';
import { listAssetEvents, listAssets, type AssetRow } from '@/lib/store/api-assets';
import { formatDate } from '../dags/_components/format';
import { AssetEvents } from './asset-events';
import { assetHref, dagHref } from './asset-links';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Assets · Flashflow' };

/** Events shown per asset in the list, and for one asset on its own. */
const LATEST = 10;
const ONE_ASSET = 200;

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function AssetsPage({ searchParams }: Props) {
  const { uri } = await searchParams;
  const only = typeof uri === 'string' ? uri : undefined;
  const sql = getRuntime().db.sql;
  const assets = (await listAssets(sql, { uri: only }, { limit: 1000, offset: 0 })).rows;
  const perAsset = only ? ONE_ASSET : LATEST;
  const events = await Promise.all(
    assets.map(async (a) => (await listAssetEvents(sql, { uri: a.uri }, { limit: perAsset, offset: 0 }, '-timestamp')).rows),
  );
  return (
    <>
      <div className="page-head">
        <h1>Assets</h1>
        {only ? <Link href="/assets">All assets</Link> : <Link href="/dag-dependencies">DAG dependencies graph</Link>}
      </div>
      {assets.length === 0 ? (
        <div className="empty">
          {only ? (
            <p>No DAG produces or consumes <code>{only}</code>, and it has no events.</p>
          ) : (
            <p>
              No assets yet. A task declares the assets it updates with <code>outlets</code>, and a DAG runs when they
              are updated with <code>schedule: {'{'} assets: [...] {'}'}</code>.
            </p>
          )}
        </div>
      ) : (
        assets.map((a, i) => <Asset key={a.uri} asset={a} events={events[i]!} shown={perAsset} />)
      )}
    </>
  );
}

function Asset({ asset, events, shown }: { asset: AssetRow; events: Awaited<ReturnType<typeof listAssetEvents>>['rows']; shown: number }) {
  return (
    <section className="panel" data-testid="asset" data-uri={asset.uri}>
      <h2><code className="wrap">{asset.uri}</code></h2>
      <dl className="facts">
        <dt>Produced by</dt>
        <dd>
          {asset.producing_tasks.length === 0 ? '—' : asset.producing_tasks.map((p, i) => (
            <span key={`${p.dag_id}.${p.task_id}`}>{i > 0 && ', '}<Link href={dagHref(p.dag_id)}>{p.dag_id}</Link>.{p.task_id}</span>
          ))}
        </dd>
        <dt>Schedules</dt>
        <dd>
          {asset.consuming_dags.length === 0 ? '—' : asset.consuming_dags.map((c, i) => (
            <span key={c.dag_id}>{i > 0 && ', '}<Link href={dagHref(c.dag_id)}>{c.dag_id}</Link></span>
          ))}
        </dd>
        <dt>Updates</dt>
        <dd>{asset.event_count}{asset.last_event_at && `, last ${formatDate(asset.last_event_at)}`}</dd>
      </dl>
      {events.length > 0 && <AssetEvents events={events} />}
      {asset.event_count > events.length && (
        <p className="muted small">
          Showing the latest {events.length} of {asset.event_count}.{' '}
          {shown < ONE_ASSET && <Link href={assetHref(asset.uri)}>More of this asset’s events</Link>}
        </p>
      )}
    </section>
  );
}
