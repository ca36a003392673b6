import { apiRoute } from '@/lib/api/api-route';
import { getVariables, postVariable } from '@/lib/api/contracts/variables';
import { createVariable, listVariablesPage } from '@/lib/api/handlers/variables';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getVariables, ({ runtime, query }) => listVariablesPage(runtime, query));

export const POST = apiRoute(postVariable, ({ runtime, body, actor }) => createVariable(runtime, body, actor));
