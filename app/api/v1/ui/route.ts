import { openApiDocument } from '@/lib/api/openapi';
import { openApiHtml } from '@/lib/api/openapi-html';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response(openApiHtml(openApiDocument()), { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
