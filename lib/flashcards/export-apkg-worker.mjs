// The worker thread that builds .apkg files (ADR 0032): sql.js is synchronous asm.js, and a deck of a thousand cards
// kept the event loop busy long enough to stall the scheduler and every request in standalone mode. Plain JavaScript
// so a Worker can start it without a loader; it runs the same cardsToApkg the tests call, through tsx.
import { parentPort, threadId } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { cardsToApkg } = await tsImport('./export-apkg.ts', import.meta.url);

parentPort.on('message', async ({ id, deckName, cards, options }) => {
  try {
    const apkg = await cardsToApkg(deckName, cards, options);
    const bytes = new Uint8Array(apkg);
    parentPort.postMessage({ id, ok: true, apkg: bytes, threadId }, [bytes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
