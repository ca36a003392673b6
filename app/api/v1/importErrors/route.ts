import { apiRoute } from '@/lib/api/api-route';
import { getImportErrors } from '@/lib/api/contracts/monitoring';
import { listImportErrors } from '@/lib/api/handlers/monitoring';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getImportErrors, ({ runtime, query }) => listImportErrors(runtime, query));
