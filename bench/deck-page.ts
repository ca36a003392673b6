// The deck page (app/decks/[deckId]) of a 500-word deck: `flashflow standalone` (the built app, real workflows, a
// fake model answering at once) makes a 500-card and a 10-card deck through the french_flashcards DAG, then the
// page of each, with its run's live progress, is fetched over HTTP in turn. The 10-card page is the baseline:
// what rendering the page costs before the cards do. `npm run bench -- deck` or run this file alone:
//   node --import tsx bench/deck-page.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../lib/executors/local/fork-runner';
import { benchWords } from './bench-words';
import { percentile, report } from './report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface DeckPageBench {
  cards: number;
  p50: number;
  p95: number;
  baselineCards: number;
  baselineP50: number;
  baselineP95: number;
  /** Bytes of the large page's HTML. */
  htmlBytes: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function measureDeckPage(cards = 500, baselineCards = 10, requests = 20): Promise<DeckPageBench> {
  const words = benchWords(cards);
  const fake = forkTypeScript(fileURLToPath(new URL('./fake-llm-process.ts', import.meta.url)), { args: [String(cards), '0'] });
  fake.stdout?.resume();
  fake.stderr?.resume();
  const { baseUrl: llmUrl } = await new Promise<{ baseUrl: string }>((resolve) => fake.once('message', (m) => resolve(m as { baseUrl: string })));
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-deck-'));
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin/flashflow.js'), 'standalone'], {
    cwd: ROOT,
    env: {
      ...process.env,
      FLASHFLOW_HOME: home,
      PORT: String(port),
      FLASHFLOW_DAGS_FOLDER: path.join(ROOT, 'workflows'),
      OPENAI_BASE_URL: llmUrl,
      OPENAI_API_KEY: 'sk-bench',
      FLASHFLOW_LLM_MODEL: 'fake-model',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until('a healthy standalone', 120_000, async () => {
      if (server.exitCode !== null) throw new Error(`standalone exited early: ${stderr}`);
      const r = await fetch(`${base}/api/v1/health`);
      return r.ok ? true : null;
    });
    const password = readFileSync(path.join(home, 'standalone_admin_password.txt'), 'utf8').trim();
    const headers = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, 'content-type': 'application/json' };
    const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    };
    await api('PATCH', '/pools/llm', { slots: 16 });

    const makeDeck = async (name: string, vocabulary: string[]) => {
      const run = await api<{ dag_run_id: string }>('POST', '/dags/french_flashcards/dagRuns', { conf: { deck_name: name, vocabulary: vocabulary.join('\n') } });
      const runPath = `/dags/french_flashcards/dagRuns/${encodeURIComponent(run.dag_run_id)}`;
      await until(`the run of deck ${name}`, 300_000, async () => {
        const { state } = await api<{ state: string }>('GET', runPath);
        if (state === 'failed') throw new Error(`the run of deck ${name} failed`);
        return state === 'success' ? true : null;
      });
      const { decks } = await api<{ decks: Array<{ deck_id: number; name: string; card_counts: { valid: number } }> }>('GET', '/decks?limit=100');
      const deck = decks.find((d) => d.name === name)!;
      if (deck.card_counts.valid !== vocabulary.length) throw new Error(`deck ${name} has ${deck.card_counts.valid} valid cards`);
      return `/decks/${deck.deck_id}?run=${encodeURIComponent(run.dag_run_id)}`;
    };
    const large = await makeDeck('Bench 500', words);
    const small = await makeDeck('Bench 10', words.slice(0, baselineCards));

    const page = async (p: string): Promise<{ ms: number; bytes: number }> => {
      const t = performance.now();
      const res = await fetch(`${base}${p}`, { headers });
      const html = await res.text();
      const ms = performance.now() - t;
      if (!res.ok) throw new Error(`GET ${p} answered ${res.status}`);
      return { ms, bytes: Buffer.byteLength(html) };
    };
    // Warm both: the first render of a route compiles its server chunks and Prisma's queries.
    for (let k = 0; k < 3; k++) {
      await page(small);
      await page(large);
    }
    const smallMs: number[] = [];
    const largeMs: number[] = [];
    let htmlBytes = 0;
    for (let k = 0; k < requests; k++) {
      smallMs.push((await page(small)).ms);
      const l = await page(large);
      largeMs.push(l.ms);
      htmlBytes = l.bytes;
    }
    return {
      cards,
      p50: percentile(largeMs, 50),
      p95: percentile(largeMs, 95),
      baselineCards,
      baselineP50: percentile(smallMs, 50),
      baselineP95: percentile(smallMs, 95),
      htmlBytes,
    };
  } finally {
    const exited = new Promise((r) => server.once('exit', r));
    if (server.exitCode === null) server.kill('SIGTERM');
    await exited;
    fake.disconnect();
    await rm(home, { recursive: true, force: true });
  }
}

export function reportDeckPage(b: DeckPageBench): void {
  const base = (p: number) => ({ name: `the same page with ${b.baselineCards} cards`, value: p, unit: 'ms' });
  report({ name: 'deck_page_500_cards_p50_ms', value: b.p50, unit: 'ms', baseline: base(b.baselineP50), note: `GET /decks/{id}?run=… of ${b.cards} cards with its run's progress; ${Math.round(b.htmlBytes / 1024)} KiB of HTML` });
  report({ name: 'deck_page_500_cards_p95_ms', value: b.p95, unit: 'ms', baseline: base(b.baselineP95), note: 'server render over HTTP, 20 requests' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  reportDeckPage(await measureDeckPage());
}
