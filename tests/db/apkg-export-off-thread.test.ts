// The Anki export runs in a worker thread (ADR 0032): sql.js is synchronous, and on the server's own thread a big
// deck, or a Viewer repeating the export, stalled the scheduler. One export at a time; a pile of them is refused.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../lib/api/api-route';
import type { Card } from '../../lib/flashcards/card-row';
import { cardsToApkgOffThread, stopApkgExportWorker } from '../../lib/flashcards/export-apkg';

const cards = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    deckId: 1,
    content: { french_word: `mot ${i}`, french_example: `Un exemple ${i}.`, english_word: `word ${i}`, english_translation: `An example ${i}.` },
  }) as unknown as Card);

describe('.apkg export off the event loop', () => {
  it('builds the package in another thread, and the event loop keeps turning meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const { apkg, threadId: builtOn } = await cardsToApkgOffThread('Amélie', cards(400), { now: new Date('2026-03-02T09:00:00Z') });
      expect(builtOn).not.toBe(threadId);
      expect(apkg.subarray(0, 2).toString()).toBe('PK');
      expect(apkg.length).toBeGreaterThan(10_000);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('runs exports one after another and refuses one more than eight waiting', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => cardsToApkgOffThread('Small', cards(2))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!.reason)).toMatch(/too many \.apkg exports are waiting/);
    // The API answers it as 503, not as an unexpected error.
    const res = errorResponse(refused[0]!.reason);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/try again in a moment/);
  });

  it('an ended worker\'s exit neither fails nor forgets the worker started after it', async () => {
    const first = await cardsToApkgOffThread('Small', cards(2));
    // An export arriving just as the idle timer ends the worker: the old one's exit comes while the new one starts.
    const stopping = stopApkgExportWorker();
    const second = await cardsToApkgOffThread('Small', cards(2));
    await stopping;
    expect(second.threadId).not.toBe(first.threadId);
    // The new worker is still the one in use (forgotten, it would run on as a leaked thread beside a third).
    expect((await cardsToApkgOffThread('Small', cards(2))).threadId).toBe(second.threadId);
  });
});
