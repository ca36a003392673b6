// The DAG-run collection's handlers (list, trigger): exported by the Next route file, and served by the web server
// before Next for API clients that trigger and poll at a high rate (direct-routes.ts).
import { apiRoute } from '../api-route';
import { getDagRuns, postDagRun } from '../contracts/dag-runs';
import { listDagRunsPage, triggerRun } from '../handlers/dag-runs';

export const dagRunsRoutes = {
  GET: apiRoute(getDagRuns, ({ runtime, params, query }) => listDagRunsPage(runtime, params.dag_id, query)),
  POST: apiRoute(postDagRun, ({ runtime, params, body, actor }) => triggerRun(runtime, params.dag_id, body, actor)),
};
