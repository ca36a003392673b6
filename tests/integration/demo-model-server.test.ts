// The demo model server catalog_request and the load benchmark call: same input, same answer; bad input named;
// the configured share of 503s with Retry-After; its counters; its latency and CPU settings honoured.
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../lib/demo/model-server';

let server: ModelServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${server!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const DOC = { id: 'doc-1', pages: ['Annual report 2026', 'Abstract\nWhat we did.\n\nContact: desk@example.com'] };

describe('demo model server', () => {
  it('answers each step of a catalogue entry, the same each time', async () => {
    server = await startModelServer({ port: 0, latencyMs: 0, cpuMs: 0 });
    const extracted = await post('/v1/extract', { document: DOC });
    expect(extracted).toMatchObject({ status: 200, json: { document_id: 'doc-1', pages: 2 } });
    const text = extracted.json.text as string;
    const first = await post('/v1/classify-sections', { document_id: 'doc-1', text });
    expect((first.json.sections as { label: string }[]).map((s) => s.label)).toEqual(['title', 'abstract', 'contact']);
    expect((await post('/v1/classify-sections', { document_id: 'doc-1', text })).json).toEqual(first.json);
    const logo = (await post('/v1/extract-logo', { document_id: 'doc-1', pages: 2 })).json.logo;
    const verdict = await post('/v1/validate', { document_id: 'doc-1', sections: first.json.sections, logo });
    expect(verdict.json).toMatchObject({ document_id: 'doc-1', valid: true, issues: [] });
    const noTitle = await post('/v1/validate', { document_id: 'x', sections: [], logo });
    expect(noTitle.json).toMatchObject({ valid: false, issues: ['no title section', 'no body or abstract section'] });
    expect(server.stats()).toEqual({ requests: 6, errors: 0, byEndpoint: { '/v1/extract': 1, '/v1/classify-sections': 2, '/v1/extract-logo': 1, '/v1/validate': 2 } });
  });

  it('names bad input, unknown endpoints and wrong methods as problem+json', async () => {
    server = await startModelServer({ port: 0, latencyMs: 0, cpuMs: 0 });
    const bad = await post('/v1/extract', { document: { id: 'd', pages: [] } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.json.detail).toMatch(/document.pages/);
    expect((await post('/v1/summarise', {})).json.detail).toMatch(/no endpoint \/v1\/summarise; known: \/v1\/extract/);
    expect((await fetch(`${server.url}/v1/extract`)).status).toBe(405);
  });

  it('fails the configured share of calls with 503 and Retry-After, reproducibly by seed', async () => {
    const outcomes = async () => {
      server = await startModelServer({ port: 0, latencyMs: 0, cpuMs: 0, errorRate: 0.5, seed: 3 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await post('/v1/extract', { document: DOC });
        if (res.status === 503) expect(res.headers.get('retry-after')).toBe('1');
        statuses.push(res.status);
      }
      expect(server.stats().errors).toBe(statuses.filter((s) => s === 503).length);
      await server.close();
      server = null;
      return statuses;
    };
    const first = await outcomes();
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(10);
    expect(first.filter((s) => s === 503).length).toBeLessThan(30);
    expect(await outcomes()).toEqual(first);
  });

  it('spends the configured CPU per call, so calls queue behind one another', async () => {
    server = await startModelServer({ port: 0, latencyMs: 0, cpuMs: 40 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => post('/v1/extract', { document: DOC })));
    // Five calls of 40 ms of CPU each cannot overlap in one process: at least 200 ms in all.
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('refuses settings out of range', async () => {
    await expect(startModelServer({ errorRate: 1.5 })).rejects.toThrow(/model server: errorRate/);
  });
});
