import { apiRoute } from '@/lib/api/api-route';
import { getImportError } from '@/lib/api/contracts/monitoring';
import { getImportErrorOne } from '@/lib/api/handlers/monitoring';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getImportError, ({ runtime, params }) => getImportErrorOne(runtime, params.import_error_id));
