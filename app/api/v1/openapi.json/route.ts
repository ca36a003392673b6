import { openApiDocument } from '@/lib/api/openapi';

export const dynamic = 'force-dynamic';

// No runtime needed: the document describes the API whether or not the engine runs in this process.
export function GET(): Response {
  return Response.json(openApiDocument());
}
