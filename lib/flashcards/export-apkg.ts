// Anki package (.apkg) export: a zip holding collection.anki2 (SQLite) and a media map. anki-apkg-export supplies the
// collection schema, the deck and note type, and the zip; the notes and cards rows are written here, because its
// addCard runs an unindexed "max id" query and leaks a prepared statement per call — O(n²), and its bundled sql.js
// (fixed 16 MB heap) aborts near 1,000 cards. Fields are HTML in Anki, so card text is escaped.
// Loaded on first use: sql.js is a 2.7 MB asm.js file the rest of the app never needs. A deck's export runs in a
// worker thread (export-apkg-worker.mjs): sql.js is synchronous, and on the server's thread a large deck, or a
// Viewer repeating the export, stalled the scheduler and every other request (ADR 0032).
import { escapeHtml } from '../kernel/escape-html';
import { BusyError } from '../kernel/errors';
import { Semaphore } from '../kernel/semaphore';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnkiExporter, AnkiTemplate } from 'anki-apkg-export';
import type { SqlClient } from '../store/database';
import type { Card } from './card-row';
import { listExportableCards } from './cards';
import { getDeck } from './decks';
import { exportFileStem } from './export-csv';

const TEMPLATE: AnkiTemplate = {
  questionFormat: '{{Front}}',
  answerFormat: '{{FrontSide}}\n\n<hr id="answer">\n\n{{Back}}',
  css:
    '.card { font-family: system-ui, sans-serif; font-size: 22px; text-align: center; color: #111; background: #fff; }\n' +
    '.word { font-weight: 600; font-size: 28px; }\n.example { margin-top: .5em; font-style: italic; }\n',
};

type CreateExporter = (deckName: string, template?: AnkiTemplate) => AnkiExporter;
let createExporter: CreateExporter | undefined;

const PROCESS_EVENTS = ['unhandledRejection', 'uncaughtException'] as const;

/**
 * Loads anki-apkg-export (and its sql.js) with Node's own require — createRequire keeps the bundler from inlining
 * 2.7 MB of asm.js. sql.js 0.5's Emscripten shell registers process handlers on load, one of which calls
 * process.exit(1) on ANY unhandled rejection in the process; those are removed again so the server's own handling
 * (and PGlite's orderly close) stays in charge.
 */
function loadExporter(): CreateExporter {
  if (createExporter) return createExporter;
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  let mod: { default?: unknown };
  try {
    mod = createRequire(import.meta.url)('anki-apkg-export') as { default?: unknown };
  } finally {
    for (const event of PROCESS_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  if (typeof mod.default !== 'function') throw new Error('anki-apkg-export did not load: no exporter function found');
  createExporter = mod.default as CreateExporter;
  return createExporter;
}

/** Anki tags cannot hold spaces. */
const tag = (text: string): string => text.trim().replace(/\s+/g, '_');

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** Stable per Flashflow card: re-importing a newer export updates the Anki notes instead of duplicating them. */
export function noteGuid(card: Pick<Card, 'deckId' | 'id'>): string {
  return sha1(`flashflow:${card.deckId}:${card.id}`).slice(0, 16);
}

export interface ApkgOptions {
  tags?: string[];
  /** Note/card ids and modification times derive from it (Anki ids are epoch milliseconds). */
  now?: Date;
}

export async function cardsToApkg(deckName: string, cards: readonly Card[], options: ApkgOptions = {}): Promise<Buffer> {
  const exporter = loadExporter()(deckName, TEMPLATE);
  try {
    const tags = ` ${['flashflow', ...(options.tags ?? [])].map(tag).filter(Boolean).join(' ')} `;
    const baseId = (options.now ?? new Date()).getTime();
    const modSeconds = Math.floor(baseId / 1000);
    const { db, topDeckId, topModelId, separator } = exporter;
    const insertNote = db.prepare('INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertCard = db.prepare('INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    try {
      db.exec('BEGIN');
      let position = 0;
      for (const card of cards) {
        const c = card.content;
        if (!c) continue;
        const front = `<div class="word">${escapeHtml(c.french_word)}</div><div class="example">${escapeHtml(c.french_example)}</div>`;
        const back = `<div class="word">${escapeHtml(c.english_word)}</div><div class="example">${escapeHtml(c.english_translation)}</div>`;
        const id = baseId + position;
        position += 1;
        // Anki's sort field and duplicate checksum (first 8 hex digits of the SHA-1 of the plain first field).
        const csum = parseInt(sha1(c.french_word).slice(0, 8), 16);
        insertNote.run([id, noteGuid(card), topModelId, modSeconds, -1, tags, `${front}${separator}${back}`, c.french_word, csum, 0, '']);
        // A new card (type 0, queue 0); `due` is its position in the new-card queue.
        insertCard.run([id, id, topDeckId, 0, modSeconds, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, '']);
      }
      db.exec('COMMIT');
    } finally {
      insertNote.free();
      insertCard.free();
    }
    return await exporter.save();
  } finally {
    exporter.db.close(); // Frees the Emscripten heap this export used.
  }
}

const WORKER_FILE = 'export-apkg-worker.mjs';
/** An idle worker is ended after this long, giving its sql.js heap back. */
const WORKER_IDLE_MS = 30_000;
/** Exports run one at a time in the one worker; beyond this many waiting, an export is refused rather than queued. */
const MAX_WAITING = 8;

/**
 * The worker's file: beside this module when it runs from source. From the Next build, where this module may be
 * bundled elsewhere, it is looked for in the installed app (found as loadExporter finds anki-apkg-export), then in
 * the working folder the server was started from.
 */
function workerPath(): string {
  const candidates = [path.join(path.dirname(fileURLToPath(import.meta.url)), WORKER_FILE)];
  try {
    const installed = createRequire(import.meta.url).resolve('anki-apkg-export');
    candidates.push(path.join(installed.slice(0, installed.lastIndexOf(`${path.sep}node_modules${path.sep}`)), 'lib', 'flashcards', WORKER_FILE));
  } catch {
    // not resolvable from here: the working folder is the last guess
  }
  candidates.push(path.join(process.cwd(), 'lib', 'flashcards', WORKER_FILE));
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`the .apkg export worker (${WORKER_FILE}) is not installed; looked in ${candidates.join(', ')}`);
  return found;
}

type WorkerReply = { id: number; ok: true; apkg: Uint8Array; threadId: number } | { id: number; ok: false; error: string };
type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };
/** A worker and the requests posted to it: when it dies, only those fail, not a successor's. */
type Thread = { worker: Worker; pending: Map<number, Pending> };

class ApkgWorker {
  private thread: Promise<Thread> | null = null;
  private idle: ReturnType<typeof setTimeout> | null = null;
  private nextId = 0;
  private readonly turns = new Semaphore(1);

  run(deckName: string, cards: readonly Card[], options: ApkgOptions): Promise<{ apkg: Buffer; threadId: number }> {
    if (this.turns.waiting >= MAX_WAITING) {
      return Promise.reject(new BusyError(`too many .apkg exports are waiting (${MAX_WAITING}); try again in a moment`));
    }
    return this.turns.run(async () => {
      if (this.idle) clearTimeout(this.idle);
      try {
        const { worker, pending } = await (this.thread ??= this.start());
        const id = ++this.nextId;
        const reply = await new Promise<WorkerReply>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, deckName, cards, options });
        });
        if (!reply.ok) throw new Error(`the .apkg export failed: ${reply.error}`);
        return { apkg: Buffer.from(reply.apkg.buffer, reply.apkg.byteOffset, reply.apkg.byteLength), threadId: reply.threadId };
      } finally {
        this.idle = setTimeout(() => void this.stop(), WORKER_IDLE_MS);
        this.idle.unref();
      }
    });
  }

  /** Ends the worker (the idle timer's job), giving its sql.js heap back; the next export starts another. */
  async stop(): Promise<void> {
    const started = this.thread;
    this.thread = null;
    const thread = await started?.catch(() => null); // a worker that failed to start has already ended
    if (!thread) return;
    // Its exit is no news to anyone now: the next export may already be starting a successor.
    thread.worker.removeAllListeners('message').removeAllListeners('exit');
    failAll(thread.pending, new Error('the .apkg export worker was stopped'));
    await thread.worker.terminate();
  }

  private start(): Promise<Thread> {
    const worker = new Worker(workerPath());
    // An idle worker must not keep a process (a CLI command, a test) alive.
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    const started: Promise<Thread> = new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        // A worker that was already replaced must not forget its successor.
        if (this.thread === started) this.thread = null;
        reject(err);
        failAll(thread.pending, err);
      };
      worker.on('message', (msg: WorkerReply | { ready: true }) => {
        if ('ready' in msg) return resolve(thread);
        thread.pending.get(msg.id)?.resolve(msg);
        thread.pending.delete(msg.id);
      });
      // Kept after stop(): an 'error' event nobody listens to would throw.
      worker.on('error', (err) => fail(new Error(`the .apkg export worker failed: ${err.message}`)));
      worker.on('exit', (code) => fail(new Error(`the .apkg export worker stopped (exit code ${code})`)));
    });
    return started;
  }
}

function failAll(pending: Map<number, Pending>, err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

const apkgWorker = new ApkgWorker();

/** cardsToApkg in the export worker thread; `threadId` says which thread built it. */
export function cardsToApkgOffThread(deckName: string, cards: readonly Card[], options: ApkgOptions = {}): Promise<{ apkg: Buffer; threadId: number }> {
  return apkgWorker.run(deckName, cards, options);
}

/** Ends the export worker now, as its idle timer would; the next export starts another. */
export function stopApkgExportWorker(): Promise<void> {
  return apkgWorker.stop();
}

/** The deck's exportable cards (valid, not flagged) as an .apkg, and a file name for Content-Disposition. */
export async function exportDeckApkg(
  sql: SqlClient,
  deckId: number,
  options: { now?: Date } = {},
): Promise<{ filename: string; apkg: Buffer; cardCount: number }> {
  const [deck, cards] = await Promise.all([getDeck(sql, deckId), listExportableCards(sql, deckId)]);
  const { apkg } = await cardsToApkgOffThread(deck.name, cards, { tags: deck.level ? [deck.level] : [], now: options.now });
  return { filename: `${exportFileStem(deck.name)}.apkg`, apkg, cardCount: cards.length };
}
