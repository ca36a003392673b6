// Content changes of a card: generation, regeneration and manual edits. The card id never changes, so the FSRS state
// and review_log stay attached; the content being replaced is archived in card_version first, in the same statement.
import type { z } from 'zod';
import { NotFoundError } from '../kernel/errors';
import type { SqlClient } from '../store/database';
import { CardContentSchema, GenerationMetaSchema, type CardContent, type CardContentInput, type GenerationMeta } from './card-content';
import { cardColumns, toCard, type Card, type CardRow } from './card-row';
import { getCard } from './cards';

/** What replaced an archived version. */
export type ReplacedBy = 'regeneration' | 'edit';

/**
 * Stores generated content (validated). A card without content gets version 1 and becomes due now; a card with
 * content is REGENERATED: the old content goes to card_version, the version goes up, FSRS state and review history
 * stay (the learner's memory of the word outlives a new example), and a flag is cleared.
 */
export async function saveGeneratedCard(
  sql: SqlClient,
  cardId: number,
  content: CardContentInput,
  meta: GenerationMeta,
  now: Date,
): Promise<Card> {
  const [row] = await sql.query<CardRow>(...generatedContentStatement(cardId, content, meta, now, () => SELECT_SAVED));
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
  meta: GenerationMeta,
  now: Date,
  then: (saved: string, first: number) => { text: string; params: unknown[] },
): Promise<R[]> {
  const rows = await sql.query<R>(...generatedContentStatement(cardId, content, meta, now, then));
  if (rows.length === 0) throw new NotFoundError(`Card ${cardId} not found`);
  return rows;
}

function generatedContentStatement(
  cardId: number,
  content: CardContentInput,
  meta: GenerationMeta,
  now: Date,
  then: (saved: string, first: number) => { text: string; params: unknown[] },
): [string, unknown[]] {
  const parsed = CardContentSchema.parse(content);
  const { promptVersion, model, source } = GenerationMetaSchema.parse(meta);
  const replace = replaceContentParts(cardId, parsed, 'regeneration', now, { promptVersion, model, editedAt: null, source, onlyIfChanged: false });
  const last = then('saved', replace.params.length + 1);
  return [`${replace.text} ${last.text}`, [...replace.params, ...last.params]];
}

const SELECT_SAVED = { text: 'SELECT * FROM saved', params: [] };

/**
 * A person rewrites the card (also allowed on a pending or failed card: "the model could not, I will"). Validated by
 * `schema` — pass lib/llm's stricter card schema to enforce the length rules. Unchanged content changes nothing.
 */
export async function editCard(
  sql: SqlClient,
  cardId: number,
  content: CardContentInput,
  now: Date,
  options: { schema?: z.ZodType<CardContent, CardContentInput> } = {},
): Promise<Card> {
  const parsed = (options.schema ?? CardContentSchema).parse(content);
  const replace = replaceContentParts(cardId, parsed, 'edit', now, {
    promptVersion: null,
    model: null,
    editedAt: now,
    source: null,
    onlyIfChanged: true,
  });
  const [row] = await sql.query<CardRow>(`${replace.text} ${SELECT_SAVED.text}`, replace.params);
  return row ? toCard(row) : getCard(sql, cardId); // No row: unchanged (or missing → NotFoundError).
}

interface Provenance {
  promptVersion: string | null;
  model: string | null;
  editedAt: Date | null;
  source: { dagId: string; runId: string; mapIndex: number | null } | null;
  onlyIfChanged: boolean;
}

/** The CTEs `old`, `archived` and `saved` (the updated card, or no row); placeholders $1–$14. */
function replaceContentParts(
  cardId: number,
  content: CardContent,
  replacedBy: ReplacedBy,
  now: Date,
  p: Provenance,
): { text: string; params: unknown[] } {
  // One statement: the row lock of `old` serializes concurrent replacements, and the archive and the update commit
  // together. `old` is the row before this statement, so the archive gets the replaced content.
  return {
    text: `WITH old AS (
       SELECT * FROM card WHERE id = $1
          AND NOT ($13 AND (french_word, french_example, english_word, english_translation)
                       IS NOT DISTINCT FROM ($2, $3, $4, $5))
       FOR UPDATE
     ), archived AS (
       INSERT INTO card_version (card_id, version, french_word, french_example, english_word, english_translation,
                                 prompt_version, model, edited_at, source_dag_id, source_run_id, source_map_index,
                                 content_created_at, replaced_by, replaced_at)
       SELECT id, version, french_word, french_example, english_word, english_translation,
              prompt_version, model, edited_at, source_dag_id, source_run_id, source_map_index,
              content_updated_at, $14, $6
         FROM old WHERE version > 0 AND french_word IS NOT NULL
     ), saved AS (
       UPDATE card c SET
         french_word = $2, french_example = $3, english_word = $4, english_translation = $5,
         status = 'valid', failure_reasons = '[]'::jsonb, version = old.version + 1, content_updated_at = $6,
         prompt_version = $7, model = $8, edited_at = $9, source_dag_id = $10, source_run_id = $11, source_map_index = $12,
         flagged_at = NULL, flag_reason = NULL,
         -- A card's first content makes it a new card due now; later versions keep the schedule.
         due = CASE WHEN old.version = 0 THEN $6 ELSE c.due END,
         updated_at = $6
       FROM old WHERE c.id = old.id
       RETURNING ${cardColumns('c')}
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
