import { apiRoute } from '@/lib/api/api-route';
import { versionInfo } from '@/lib/ops/version';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => versionInfo());
