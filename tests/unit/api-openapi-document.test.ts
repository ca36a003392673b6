// The OpenAPI document generated from the contracts (lib/api/openapi.ts): downloads are declared with their own
// media types instead of JSON, and the connection test answers Airflow's ConnectionTest.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/api/openapi';

describe('openApiDocument', () => {
  const doc = openApiDocument();

  it('declares the deck export as CSV or an octet stream, selected by format, never as JSON', () => {
    const op = doc.paths['/decks/{deck_id}/export']!.get!;
    const ok = op.responses['200']!;
    expect(Object.keys(ok.content!).sort()).toEqual(['application/octet-stream', 'text/csv']);
    for (const media of Object.values(ok.content!)) expect(media.schema).toEqual({ $ref: '#/components/schemas/ExportFile' });
    expect(doc.components.schemas.ExportFile).toMatchObject({ type: 'string', format: 'binary' });
    const format = op.parameters.find((p) => p.name === 'format');
    expect(format).toMatchObject({ in: 'query', required: false, schema: { enum: ['csv', 'apkg'], default: 'csv' } });
    // Errors stay problem+json.
    expect(Object.keys(op.responses['404']!.content!)).toEqual(['application/problem+json']);
  });

  it('documents POST /connections/test with a Connection body and a ConnectionTest answer', () => {
    const op = doc.paths['/connections/test']!.post!;
    expect(op.operationId).toBe('test_connection');
    expect(op.requestBody!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ConnectionInput' });
    expect(op.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ConnectionTest' });
    expect(doc.components.schemas.ConnectionTest).toMatchObject({
      type: 'object',
      properties: { status: { type: 'boolean' }, message: { type: 'string' } },
      required: ['status', 'message'],
    });
  });
});
