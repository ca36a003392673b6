// Deck, card, progress, export and review endpoints: each parses nothing itself (the contract did), calls the
// flashcard domain and serializes to the API's snake_case shapes. The deck and review pages use the same functions.
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../kernel/errors';
import { editCard, staleVersion } from '../../flashcards/card-content-updates';
import { checkCardContent } from '../../flashcards/card-rules';
import { CARD_STATUSES } from '../../flashcards/card-content';
import type { Card as DomainCard } from '../../flashcards/card-row';
import { deleteCard, flagCard, FlagReasonSchema, getCard, listCards, unflagCard } from '../../flashcards/cards';
import { findFlashcardRun, latestDeckRun, runProgress, type WordProgress as DomainWordProgress } from '../../flashcards/deck-progress';
import { deckCharLimits, getDeck, getOrCreateDeck, listDecks, type DeckSummary } from '../../flashcards/decks';
import { exportDeckApkg } from '../../flashcards/export-apkg';
import { exportDeckCsv } from '../../flashcards/export-csv';
import { dueCounts, gradeCard, reviewHistory, type ReviewLogEntry } from '../../flashcards/review';
import { CARD_FIELDS, DEFAULT_MAX_CHARS } from '../../llm/card-schema';
import { graphemeLength } from '../../llm/grapheme-length';
import type { SqlClient } from '../../store/database';
import { recordEvent } from '../../store/event-log';
import { contentDisposition } from '../content-disposition';
import type { EndpointInput } from '../contract';
import type {
  Card,
  CardCollection,
  CardPatch,
  Deck,
  DeckCollection,
  DeckInput,
  DeckProgress,
  getDeckCards,
  getDeckExport,
  getDecks,
  ReviewInput,
  ReviewLog,
  ReviewLogCollection,
  ReviewResult,
  WordProgress,
} from '../contracts/flashcards';
import { iso, type ApiRuntime } from './shared';

type Out<T extends z.ZodType> = z.input<T>;

export function serializeDeck(d: DeckSummary): Out<typeof Deck> {
  return {
    deck_id: d.id,
    name: d.name,
    description: d.description,
    level: d.level,
    max_chars: d.maxChars,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    card_counts: {
      total: d.cards.total,
      valid: d.cards.valid,
      pending: d.cards.pending,
      failed: d.cards.failed,
      flagged: d.cards.flagged,
      due_now: d.cards.dueNow,
    },
  };
}

export function serializeCard(c: DomainCard, maxChars: number): Out<typeof Card> {
  const content = c.content;
  return {
    card_id: c.id,
    deck_id: c.deckId,
    word: c.word,
    hint: c.hint,
    status: c.status,
    french_word: content?.french_word ?? null,
    french_example: content?.french_example ?? null,
    english_word: content?.english_word ?? null,
    english_translation: content?.english_translation ?? null,
    example_length: content ? graphemeLength(content.french_example) : null,
    translation_length: content ? graphemeLength(content.english_translation) : null,
    max_chars: maxChars,
    failure_reasons: c.failureReasons,
    flagged: c.flaggedAt !== null,
    flagged_at: iso(c.flaggedAt),
    flag_reason: c.flagReason,
    version: c.version,
    regenerate_after: iso(c.regenerateAfter),
    prompt_version: c.promptVersion,
    model: c.model,
    edited_at: iso(c.editedAt),
    dag_id: c.source?.dagId ?? null,
    dag_run_id: c.source?.runId ?? null,
    map_index: c.source?.mapIndex ?? null,
    due: iso(c.fsrs.due),
    fsrs_state: c.fsrs.state,
    stability: c.fsrs.stability,
    difficulty: c.fsrs.difficulty,
    reps: c.fsrs.reps,
    lapses: c.fsrs.lapses,
    last_review: iso(c.fsrs.lastReview),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

/** Cards serialized with the limit their content was checked against (their deck's, for cards without content). */
export async function serializeCards(sql: SqlClient, cards: readonly DomainCard[]): Promise<Array<Out<typeof Card>>> {
  const limits = await deckCharLimits(sql, cards.flatMap((c) => (c.maxChars === null ? [c.deckId] : [])));
  return cards.map((c) => serializeCard(c, c.maxChars ?? limits.get(c.deckId) ?? DEFAULT_MAX_CHARS));
}

async function cardOut(sql: SqlClient, card: DomainCard): Promise<Out<typeof Card>> {
  return (await serializeCards(sql, [card]))[0]!;
}

export function serializeReview(r: ReviewLogEntry): Out<typeof ReviewLog> {
  return {
    review_id: r.id,
    card_id: r.cardId,
    card_version: r.cardVersion,
    rating: r.rating,
    state: r.state,
    due: iso(r.due),
    stability: r.stability,
    difficulty: r.difficulty,
    scheduled_days: r.scheduledDays,
    review: iso(r.review),
    duration_ms: r.durationMs,
  };
}

export async function listDecksPage(rt: ApiRuntime, q: EndpointInput<typeof getDecks>['query']): Promise<Out<typeof DeckCollection>> {
  const decks = await listDecks(rt.db.sql, rt.clock.now());
  return { decks: decks.slice(q.offset, q.offset + q.limit).map(serializeDeck), total_entries: decks.length };
}

export async function deckSummary(rt: ApiRuntime, deckId: number): Promise<DeckSummary> {
  await getDeck(rt.db.sql, deckId); // NotFoundError names the deck
  const deck = (await listDecks(rt.db.sql, rt.clock.now())).find((d) => d.id === deckId);
  if (!deck) throw new NotFoundError(`Deck ${deckId} not found`);
  return deck;
}

export async function getDeckOut(rt: ApiRuntime, deckId: number): Promise<Out<typeof Deck>> {
  return serializeDeck(await deckSummary(rt, deckId));
}

export async function createDeck(rt: ApiRuntime, body: z.output<typeof DeckInput>, actor: string): Promise<Out<typeof Deck>> {
  const now = rt.clock.now();
  const { deck, created } = await getOrCreateDeck(rt.db.sql, body, now);
  if (!created) throw new ConflictError(`A deck named '${deck.name}' already exists (deck ${deck.id})`);
  await recordEvent(rt.db.sql, { event: 'api.post_deck', owner: actor, extra: JSON.stringify(body) }, now);
  return getDeckOut(rt, deck.id);
}

export async function listDeckCardsPage(
  rt: ApiRuntime,
  deckId: number,
  q: EndpointInput<typeof getDeckCards>['query'],
): Promise<Out<typeof CardCollection>> {
  await getDeck(rt.db.sql, deckId);
  const page = await listCards(rt.db.sql, deckId, { status: q.status, flagged: q.flagged, limit: q.limit, offset: q.offset });
  return { cards: await serializeCards(rt.db.sql, page.cards), total_entries: page.total };
}

export async function exportDeck(rt: ApiRuntime, deckId: number, q: EndpointInput<typeof getDeckExport>['query']): Promise<Response> {
  const file =
    q.format === 'apkg'
      ? await exportDeckApkg(rt.db.sql, deckId, { now: rt.clock.now() }).then((e) => ({
          filename: e.filename,
          body: new Uint8Array(e.apkg),
          type: 'application/octet-stream',
        }))
      : await exportDeckCsv(rt.db.sql, deckId, { bom: q.bom ?? false }).then((e) => ({
          filename: e.filename,
          body: e.csv,
          type: 'text/csv; charset=utf-8',
        }));
  return new Response(file.body, {
    headers: {
      'content-type': file.type,
      'content-disposition': contentDisposition('attachment', file.filename, 'deck'),
      'cache-control': 'no-store',
    },
  });
}

function serializeWord(w: DomainWordProgress): Out<typeof WordProgress> {
  return {
    map_index: w.mapIndex,
    card_id: w.cardId,
    word: w.word,
    hint: w.hint,
    phase: w.phase,
    task_state: w.taskState,
    try_number: w.tryNumber,
    attempts: w.attempts,
    attempts_this_try: w.attemptsThisTry,
    provider_errors: w.providerErrors,
    last_reasons: w.lastReasons,
    failure_reasons: w.failureReasons,
    error: w.error,
    next_retry_at: iso(w.nextRetryAt),
  };
}

export async function deckProgress(rt: ApiRuntime, deckId: number, runId?: string): Promise<Out<typeof DeckProgress>> {
  const sql = rt.db.sql;
  const deck = await getDeck(sql, deckId);
  const run = runId ? await findFlashcardRun(sql, runId) : await latestDeckRun(sql, deck);
  if (runId && !run) throw new NotFoundError(`DAG run '${runId}' not found for DAG 'french_flashcards'`);
  // The due count rides with the progress, so the page's "Review (n due)" follows the cards as they arrive.
  const dueNow = async () => (await dueCounts(sql, rt.clock.now(), { deckId }))[0]?.dueNow ?? 0;
  if (!run) return { deck_id: deckId, due_now: await dueNow(), run: null, words: [] };
  const [p, due] = await Promise.all([runProgress(sql, run), dueNow()]);
  return {
    deck_id: deckId,
    due_now: due,
    run: {
      dag_id: p.dagId,
      dag_run_id: p.runId,
      state: p.state,
      queued_at: iso(p.queuedAt),
      start_date: iso(p.startDate),
      end_date: iso(p.endDate),
      max_chars: p.maxChars,
      parse_state: p.parseState,
      parse_error: p.parseError,
      finished: p.finished,
      counts: p.counts,
      rejected_before_call: p.rejectedBeforeCall,
    },
    words: p.words.map(serializeWord),
  };
}

/** The card's ETag: its content version, which every content change (edit, generation) moves on. */
export function cardEtag(card: { version: number }): string {
  return `"v${card.version}"`;
}

/** A card as JSON with its ETag, for GET and PATCH: the version to send back in If-Match. */
export async function cardResponse(sql: SqlClient, card: DomainCard): Promise<Response> {
  return Response.json(await cardOut(sql, card), { headers: { etag: cardEtag(card), 'cache-control': 'no-store' } });
}

export async function getCardResponse(rt: ApiRuntime, cardId: number): Promise<Response> {
  return cardResponse(rt.db.sql, await getCard(rt.db.sql, cardId));
}

/**
 * The version a write is based on, from If-Match (one ETag of GET /cards/{id}, or `*` for any) and/or the body's
 * `version`; null when neither says.
 */
export function expectedCardVersion(ifMatch: string | null, version: number | undefined): number | null {
  let fromHeader: number | null = null;
  const header = ifMatch?.trim();
  if (header && header !== '*') {
    const match = /^"v(\d{1,9})"$/.exec(header);
    if (!match) {
      throw new InvalidInputError(`If-Match must be one ETag of the card as GET /cards/{card_id} sends it (like "v3"), not ${header}`, [
        { path: 'If-Match', message: 'not an ETag of this card' },
      ]);
    }
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== null && version !== undefined && fromHeader !== version) {
    throw new InvalidInputError(`If-Match says version ${fromHeader} but the body says ${version}: send one`, [
      { path: 'version', message: `differs from If-Match (${fromHeader})` },
    ]);
  }
  return fromHeader ?? version ?? null;
}

/**
 * Content fields in the body replace the card's (the rest are kept) and the result must pass the card rules of its
 * deck — examples shorter than its max_chars and using the word — so a person cannot store what the model would
 * have been refused for. `flagged` flags (with flag_reason) or unflags. With If-Match or `version`, a card changed
 * since that version answers 409 instead of losing the other change.
 */
export async function changeCard(
  rt: ApiRuntime,
  cardId: number,
  body: z.output<typeof CardPatch>,
  actor: string,
  ifMatch: string | null = null,
): Promise<Response> {
  const sql = rt.db.sql;
  const now = rt.clock.now();
  const expectedVersion = expectedCardVersion(ifMatch, body.version);
  let card = await getCard(sql, cardId);
  if (expectedVersion !== null && card.version !== expectedVersion) throw staleVersion(card, expectedVersion);
  const edits = CARD_FIELDS.filter((f) => body[f] !== undefined);
  if (edits.length === 0 && body.flagged === undefined) {
    throw new InvalidInputError('nothing to change: send card fields, or flagged', [{ path: '(body)', message: 'no field to change' }]);
  }
  if (body.flagged === true) {
    const reason = FlagReasonSchema.safeParse(body.flag_reason ?? '');
    if (!reason.success) {
      throw new InvalidInputError('a flag needs a reason: say what is wrong with the card', [
        { path: 'flag_reason', message: reason.error.issues[0]?.message ?? 'required' },
      ]);
    }
  }
  if (edits.length > 0) {
    const current = card.content;
    // A card without content starts from its word: the person writes the rest.
    const start = (f: (typeof CARD_FIELDS)[number]) => current?.[f] ?? (f === 'french_word' ? card.word : '');
    const merged = Object.fromEntries(CARD_FIELDS.map((f) => [f, body[f] ?? start(f)])) as Record<(typeof CARD_FIELDS)[number], string>;
    const deck = await getDeck(sql, card.deckId);
    const { content } = checkCardContent(merged, { maxChars: deck.maxChars, word: card.word });
    // The statement checks the version again: an edit or a regeneration between the read and the write is a 409 too.
    card = await editCard(sql, cardId, content, now, { expectedVersion: expectedVersion ?? card.version });
  }
  if (body.flagged === true) {
    if (card.status !== CARD_STATUSES.valid) {
      throw new ConflictError(`Card ${cardId} has no content yet: there is nothing to flag`);
    }
    card = await flagCard(sql, cardId, body.flag_reason ?? '', now);
  } else if (body.flagged === false) {
    card = await unflagCard(sql, cardId, now);
  }
  await recordEvent(sql, { event: 'api.patch_card', owner: actor, extra: JSON.stringify({ card_id: cardId, ...body }) }, now);
  return cardResponse(sql, card);
}

export async function removeCard(rt: ApiRuntime, cardId: number, actor: string): Promise<void> {
  await deleteCard(rt.db.sql, cardId);
  await recordEvent(rt.db.sql, { event: 'api.delete_card', owner: actor, extra: JSON.stringify({ card_id: cardId }) }, rt.clock.now());
}

export async function listCardReviews(rt: ApiRuntime, cardId: number): Promise<Out<typeof ReviewLogCollection>> {
  await getCard(rt.db.sql, cardId);
  const reviews = await reviewHistory(rt.db.sql, cardId);
  return { reviews: reviews.map(serializeReview), total_entries: reviews.length };
}

export async function reviewCard(rt: ApiRuntime, cardId: number, body: z.output<typeof ReviewInput>): Promise<Out<typeof ReviewResult>> {
  const { card, log } = await gradeCard(rt.db.sql, cardId, body.rating, rt.clock.now(), { durationMs: body.duration_ms ?? null });
  return { card: await cardOut(rt.db.sql, card), review: serializeReview(log) };
}
