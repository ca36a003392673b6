import { dagRunsRoutes } from '@/lib/api/routes/dag-runs-routes';

export const dynamic = 'force-dynamic';

// Also served before Next by the web server (lib/api/direct-routes.ts): the same handlers, either way.
export const GET = dagRunsRoutes.GET;

export const POST = dagRunsRoutes.POST;
