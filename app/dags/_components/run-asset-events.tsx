// The asset events around one run: those that triggered it (an asset-scheduled run links back to the runs that
// produced its data) and those it made, with the runs they triggered in turn.
import { AssetEvents } from '../../assets/asset-events';
import { getRuntime } from '@/lib/runtime/app-context';
import { listAssetEvents } from '@/lib/store/api-assets';

/** A run consumes one event per asset it is scheduled on, and makes one per outlet of each task. */
const SHOWN = 100;

export async function RunAssetEvents({ dagId, runId }: { dagId: string; runId: string }) {
  const sql = getRuntime().db.sql;
  const page = { limit: SHOWN, offset: 0 };
  const [consumed, made] = await Promise.all([
    listAssetEvents(sql, { consumedBy: { dagId, runId } }, page),
    listAssetEvents(sql, { sourceDagId: dagId, sourceRunId: runId }, page),
  ]);
  return (
    <>
      {consumed.rows.length > 0 && (
        <div data-testid="run-triggered-by">
          <h3>Triggered by</h3>
          <AssetEvents events={consumed.rows} withAsset />
        </div>
      )}
      {made.rows.length > 0 && (
        <div data-testid="run-asset-updates">
          <h3>Assets it updated</h3>
          <AssetEvents events={made.rows} withAsset />
        </div>
      )}
    </>
  );
}
