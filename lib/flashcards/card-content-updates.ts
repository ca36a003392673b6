// Content changes of a card: generation, regeneration and manual edits. The card id never changes, so the FSRS state
// and review_log stay attached; the content being replaced is archived in card_version first, in the same statement.
import type { z } from 'zod';
import { ConflictError, NotFoundError } from '../kernel/errors';
import { graphemeLength } from '../llm/grapheme-length';
import type { SqlClient } from '../store/database';
import { CardContentSchema, GenerationMetaSchema, type CardContent, type CardContentInput, type GenerationMeta } from './card-content';
import { cardColumns, toCard, type Card, type CardRow } from './card-row';
import { CardRulesError } from './card-rules';
import { getCard } from './cards';

/**
 * What replaced an archived version. 'kept_edit' marks a regenerated content that finished after a person's edit:
 * it was never shown, the edit was kept, and it is archived so nothing the model wrote is lost.
 */
export type ReplacedBy = 'regeneration' | 'edit' | 'kept_edit';

/** A generation's meta, and the limit its content was checked against (its run's); the deck's when not given. */
export type SaveMeta = GenerationMeta & { maxChars?: number };

/**
 * Stores generated content (validated). A card without content gets version 1 and becomes due now; a card with
 * content is REGENERATED: the old content goes to card_version, the version goes up, FSRS state and review history
 * stay (the learner's memory of the word outlives a new example), and a flag is cleared.
 * With `meta.baseVersion` (the version the generation started from), a card a person edited since keeps the edit:
 * the generated content is archived as a 'kept_edit' version instead (a regeneration never overwrites an edit).
 */
export async function saveGeneratedCard(
  sql: SqlClient,
  cardId: number,
  content: CardContentInput,
  meta: SaveMeta,
  now: Date,
): Promise<Card> {
  const [text, params] = generatedContentStatement(cardId, content, meta, now, () => SELECT_SAVED);
  const [row] = await runContentStatement<CardRow>(sql, cardId, CardContentSchema.parse(content), meta.maxChars, text, params);
  if (!row) throw new NotFoundError(`Card ${cardId} not found`);
  return toCard(row);
}

/**
 * saveGeneratedCard, and in the same statement the one `then` builds (placeholders from `first`), which must
 * do nothing unless the CTE named `saved` returned the card: both commit together or not at all, without the
 * cost of a transaction. Resolves to the rows of `then`; none means the card does not exist.
 */
export async function saveGeneratedCardWith<R>(
  sql: SqlClient,
  cardId: number,
  content: CardContentInput,
  meta: SaveMeta,
  now: Date,
  then: (saved: string, first: number) => { text: string; params: unknown[] },
): Promise<R[]> {
  const [text, params] = generatedContentStatement(cardId, content, meta, now, then);
  const rows = await runContentStatement<R>(sql, cardId, CardContentSchema.parse(content), meta.maxChars, text, params);
  if (rows.length === 0) throw new NotFoundError(`Card ${cardId} not found`);
  return rows;
}

function generatedContentStatement(
  cardId: number,
  content: CardContentInput,
  meta: SaveMeta,
  now: Date,
  then: (saved: string, first: number) => { text: string; params: unknown[] },
): [string, unknown[]] {
  const parsed = CardContentSchema.parse(content);
  const { promptVersion, model, source, baseVersion } = GenerationMetaSchema.parse(meta);
  const replace = replaceContentParts(cardId, parsed, 'regeneration', now, {
    promptVersion,
    model,
    editedAt: null,
    source,
    onlyIfChanged: false,
    baseVersion,
    expectedVersion: null,
    maxChars: meta.maxChars ?? null,
  });
  const last = then('saved', replace.params.length + 1);
  return [`${replace.text} ${last.text}`, [...replace.params, ...last.params]];
}

const SELECT_SAVED = { text: 'SELECT * FROM saved', params: [] };

/**
 * A person rewrites the card (also allowed on a pending or failed card: "the model could not, I will"). Validated by
 * `schema` — pass lib/llm's stricter card schema to enforce the word rule; the deck's length limit is enforced by
 * the database either way. Unchanged content changes nothing. With `expectedVersion` (If-Match), a card changed
 * since that version is refused with ConflictError instead of overwriting the other change.
 */
export async function editCard(
  sql: SqlClient,
  cardId: number,
  content: CardContentInput,
  now: Date,
  options: { schema?: z.ZodType<CardContent, CardContentInput>; expectedVersion?: number | null } = {},
): Promise<Card> {
  const parsed = (options.schema ?? CardContentSchema).parse(content);
  const expectedVersion = options.expectedVersion ?? null;
  const replace = replaceContentParts(cardId, parsed, 'edit', now, {
    promptVersion: null,
    model: null,
    editedAt: now,
    source: null,
    onlyIfChanged: true,
    baseVersion: null,
    expectedVersion,
    maxChars: null,
  });
  const [row] = await runContentStatement<CardRow>(sql, cardId, parsed, null, `${replace.text} ${SELECT_SAVED.text}`, replace.params);
  if (row) return toCard(row);
  const card = await getCard(sql, cardId); // No row: missing (NotFoundError), stale, or unchanged.
  if (expectedVersion !== null && card.version !== expectedVersion) throw staleVersion(card, expectedVersion);
  return card;
}

/** The answer to a write based on a version the card has left: 409, saying what to do. */
export function staleVersion(card: Card, expectedVersion: number): ConflictError {
  return new ConflictError(
    `Card ${card.id} was changed since you loaded it (version ${expectedVersion}, now ${card.version}${card.editedAt ? ', edited' : ''}): ` +
      'reload the card and apply your change again.',
  );
}

/**
 * Runs a content statement; a content breaking its limit (the CHECK) becomes a CardRulesError naming it. `maxChars`:
 * the limit the statement stores, null for the deck's.
 */
async function runContentStatement<R>(
  sql: SqlClient,
  cardId: number,
  content: CardContent,
  maxChars: number | null | undefined,
  text: string,
  params: unknown[],
): Promise<R[]> {
  try {
    return await sql.query<R>(text, params);
  } catch (error) {
    if ((error as { code?: string }).code !== '23514') throw error;
    const [deck] = await sql.query<{ max_chars: number }>(`SELECT d.max_chars FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.id = $1`, [cardId]);
    const limit = maxChars ?? deck?.max_chars ?? 0;
    const fields = (['french_example', 'english_translation'] as const).flatMap((f) => {
      const length = graphemeLength(content[f]);
      return length >= limit ? [{ path: f, message: `${f} '${content[f]}' has ${length} characters; it must have fewer than ${limit}` }] : [];
    });
    throw new CardRulesError(`card ${cardId} breaks its deck's length limit: ${fields.map((f) => f.message).join('; ') || `fewer than ${limit} characters`}`, fields);
  }
}

interface Provenance {
  promptVersion: string | null;
  model: string | null;
  editedAt: Date | null;
  source: { dagId: string; runId: string; mapIndex: number | null } | null;
  onlyIfChanged: boolean;
  /** Generation: the version it started from; a card edited since keeps the edit. */
  baseVersion: number | null;
  /** Edit: the version the person saw; any other version matches no row. */
  expectedVersion: number | null;
  /** The limit the content was checked against and is stored with; null for the deck's. */
  maxChars: number | null;
}

/** The CTEs `old`, `next`, `archived`, `updated`, `kept` and `saved` (the card, or no row); placeholders $1–$19. */
function replaceContentParts(
  cardId: number,
  content: CardContent,
  replacedBy: ReplacedBy,
  now: Date,
  p: Provenance,
): { text: string; params: unknown[] } {
  // One statement: the row lock of `old` serializes concurrent replacements, and the archive and the update commit
  // together. `old` is the row before this statement, so the archive gets the replaced content. The limit checked
  // against (a generation's run's, else the deck's) is stored with the measured lengths, where the CHECK
  // card_content_within_limit holds them. A version number is never reused: 'kept_edit' versions are archived past
  // the card's own.
  return {
    text: `WITH old AS (
       SELECT c.*, d.max_chars AS deck_max_chars,
              ($15::int IS NOT NULL AND c.version <> $15 AND c.edited_at IS NOT NULL) AS keep_edit
         FROM card c JOIN deck d ON d.id = c.deck_id
        WHERE c.id = $1 AND ($16::int IS NULL OR c.version = $16)
          AND NOT ($13 AND (c.french_word, c.french_example, c.english_word, c.english_translation)
                       IS NOT DISTINCT FROM ($2, $3, $4, $5))
       FOR UPDATE OF c
     ), next AS (
       SELECT greatest(old.version, coalesce((SELECT max(v.version) FROM card_version v WHERE v.card_id = old.id), 0)) + 1 AS version
         FROM old
     ), archived AS (
       INSERT INTO card_version (card_id, version, french_word, french_example, english_word, english_translation,
                                 prompt_version, model, edited_at, source_dag_id, source_run_id, source_map_index,
                                 content_created_at, replaced_by, replaced_at)
       SELECT id, version, french_word, french_example, english_word, english_translation,
              prompt_version, model, edited_at, source_dag_id, source_run_id, source_map_index,
              content_updated_at, $14::text, $6::timestamptz
         FROM old WHERE NOT keep_edit AND version > 0 AND french_word IS NOT NULL
       UNION ALL
       SELECT old.id, next.version, $2::text, $3::text, $4::text, $5::text, $7::text, $8::text, NULL::timestamptz,
              $10::text, $11::text, $12::int, $6::timestamptz, 'kept_edit', $6::timestamptz
         FROM old, next WHERE old.keep_edit
     ), updated AS (
       UPDATE card c SET
         french_word = $2, french_example = $3, english_word = $4, english_translation = $5,
         max_chars = coalesce($19::int, old.deck_max_chars), example_chars = $17, translation_chars = $18,
         status = 'valid', failure_reasons = '[]'::jsonb, version = next.version, content_updated_at = $6,
         prompt_version = $7, model = $8, edited_at = $9, source_dag_id = $10, source_run_id = $11, source_map_index = $12,
         flagged_at = NULL, flag_reason = NULL, failed_regenerations = 0, regenerate_after = NULL,
         -- A card's first content makes it a new card due now; later versions keep the schedule.
         due = CASE WHEN old.version = 0 THEN $6 ELSE c.due END,
         updated_at = $6
       FROM old, next WHERE c.id = old.id AND NOT old.keep_edit
       RETURNING ${cardColumns('c')}
     ), kept AS (
       -- The generation succeeded: its back-off ends, but the person's content stays.
       UPDATE card c SET failure_reasons = '[]'::jsonb, failed_regenerations = 0, regenerate_after = NULL, updated_at = $6
         FROM old WHERE c.id = old.id AND old.keep_edit
       RETURNING ${cardColumns('c')}
     ), saved AS (
       SELECT * FROM updated UNION ALL SELECT * FROM kept
     )`,
    params: [
      cardId,
      content.french_word,
      content.french_example,
      content.english_word,
      content.english_translation,
      now,
      p.promptVersion,
      p.model,
      p.editedAt,
      p.source?.dagId ?? null,
      p.source?.runId ?? null,
      p.source?.mapIndex ?? null,
      p.onlyIfChanged,
      replacedBy,
      p.baseVersion,
      p.expectedVersion,
      graphemeLength(content.french_example),
      graphemeLength(content.english_translation),
      p.maxChars,
    ],
  };
}

export interface CardVersion {
  version: number;
  content: CardContent;
  promptVersion: string | null;
  model: string | null;
  editedAt: Date | null;
  source: { dagId: string; runId: string; mapIndex: number | null } | null;
  contentCreatedAt: Date | null;
  replacedBy: ReplacedBy;
  replacedAt: Date;
}

/** The archived (replaced) contents of a card, oldest first; the current one is on the card itself. */
export async function listCardVersions(sql: SqlClient, cardId: number): Promise<CardVersion[]> {
  const rows = await sql.query<{
    version: number;
    french_word: string;
    french_example: string;
    english_word: string;
    english_translation: string;
    prompt_version: string | null;
    model: string | null;
    edited_at: Date | null;
    source_dag_id: string | null;
    source_run_id: string | null;
    source_map_index: number | null;
    content_created_at: Date | null;
    replaced_by: ReplacedBy;
    replaced_at: Date;
  }>(
    `SELECT version, french_word, french_example, english_word, english_translation, prompt_version, model, edited_at,
            source_dag_id, source_run_id, source_map_index, content_created_at, replaced_by, replaced_at
       FROM card_version WHERE card_id = $1 ORDER BY version`,
    [cardId],
  );
  return rows.map((row) => ({
    version: row.version,
    content: {
      french_word: row.french_word,
      french_example: row.french_example,
      english_word: row.english_word,
      english_translation: row.english_translation,
    },
    promptVersion: row.prompt_version,
    model: row.model,
    editedAt: row.edited_at,
    source:
      row.source_dag_id !== null && row.source_run_id !== null
        ? { dagId: row.source_dag_id, runId: row.source_run_id, mapIndex: row.source_map_index }
        : null,
    contentCreatedAt: row.content_created_at,
    replacedBy: row.replaced_by,
    replacedAt: row.replaced_at,
  }));
}
