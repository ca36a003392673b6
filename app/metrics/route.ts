// GET /metrics: Prometheus exposition text of this process's runtime (lib/ops/metrics). Outside /api/v1, where
// Prometheus looks by default and as Airflow's exporters serve it.
import { errorResponse } from '@/lib/api/api-route';
import { getRuntime } from '@/lib/runtime/app-context';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    const { metrics } = getRuntime();
    return new Response(await metrics.render(), {
      headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
