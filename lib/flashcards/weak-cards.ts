// The cards the weekly `flashcard_regeneration` DAG regenerates, selected in one SQL query with the reasons each was
// picked for. Lapses count only reviews of the CURRENT content version, so a regenerated card gets a clean slate
// instead of being picked again every week for lapses its old example caused. A card is left out while it can only
// cost calls for nothing: its word alone was too long for the deck's limit (until the card is edited or the limit
// raised), or its last regeneration failed (back-off: 1, 2, 4 … weeks, markCardFailed).
import { z } from 'zod';
import type { SqlClient } from '../store/database';
import { cardColumns, toCard, type Card, type CardRow } from './card-row';

export const WEAK_REASONS = ['failed', 'flagged', 'lapsing', 'outdated_prompt', 'outdated_model'] as const;
export type WeakReason = (typeof WEAK_REASONS)[number];

export const WeakCardCriteriaSchema = z.object({
  /** The prompt version generation uses now; valid generated cards from another one are "outdated". */
  promptVersion: z.string().min(1),
  /** The model generation uses now; null leaves the model out of the selection. */
  model: z.string().min(1).nullable().default(null),
  /** Lapses (Again on a card in review) of the current version that make a card "lapsing". */
  minLapses: z.number().int().min(1).default(3),
  deckId: z.number().int().nullable().default(null),
  /** Cards whose back-off lasts past this moment are left out; null leaves the back-off out of the selection. */
  now: z.date().nullable().default(null),
  limit: z.number().int().min(1).max(10_000).default(500),
});
export type WeakCardCriteria = z.input<typeof WeakCardCriteriaSchema>;

export interface WeakCard {
  card: Card;
  reasons: WeakReason[];
  /** Lapses while the current content version was shown. */
  lapsesThisVersion: number;
  /** The deck's limit, which the regeneration generates under. */
  maxChars: number;
}

/**
 * Failed cards, flagged cards, cards lapsing ≥ minLapses times on their current version, and generated cards from
 * another prompt version or model — in that priority, oldest first within it. Cards a person edited are never
 * "outdated" (regenerating would throw their edit away), but are picked when flagged or lapsing.
 */
export async function selectWeakCards(sql: SqlClient, criteria: WeakCardCriteria): Promise<WeakCard[]> {
  const { promptVersion, model, minLapses, deckId, limit, now } = WeakCardCriteriaSchema.parse(criteria);
  const rows = await sql.query<CardRow & { reasons: WeakReason[]; lapses_this_version: number; deck_max_chars: number }>(
    `WITH lapses AS (
       SELECT r.card_id, count(*)::int AS n
         FROM review_log r JOIN card c ON c.id = r.card_id AND r.card_version = c.version
        WHERE r.rating = 1 AND r.state = 2 AND ($4::int IS NULL OR c.deck_id = $4)
        GROUP BY r.card_id
     ), judged AS (
       SELECT c.*, coalesce(l.n, 0) AS lapses_this_version, d.max_chars AS deck_max_chars,
              array_remove(ARRAY[
                CASE WHEN c.status = 'failed' THEN 'failed' END,
                CASE WHEN c.flagged_at IS NOT NULL THEN 'flagged' END,
                CASE WHEN coalesce(l.n, 0) >= $3 THEN 'lapsing' END,
                CASE WHEN c.status = 'valid' AND c.edited_at IS NULL
                      AND c.prompt_version IS DISTINCT FROM $1 THEN 'outdated_prompt' END,
                CASE WHEN c.status = 'valid' AND c.edited_at IS NULL AND $2::text IS NOT NULL
                      AND c.model IS DISTINCT FROM $2 THEN 'outdated_model' END
              ], NULL)::text[] AS reasons
         FROM card c JOIN deck d ON d.id = c.deck_id LEFT JOIN lapses l ON l.card_id = c.id
        WHERE ($4::int IS NULL OR c.deck_id = $4)
          AND ($6::timestamptz IS NULL OR c.regenerate_after IS NULL OR c.regenerate_after <= $6)
          AND NOT jsonb_path_exists(c.failure_reasons,
                '$[*] ? (@.code == "word_too_long" && (!(exists(@.limit)) || @.limit >= $max))',
                jsonb_build_object('max', d.max_chars))
     )
     SELECT ${cardColumns('judged')}, judged.reasons, judged.lapses_this_version, judged.deck_max_chars
       FROM judged
      WHERE cardinality(reasons) > 0
      ORDER BY CASE reasons[1] WHEN 'failed' THEN 0 WHEN 'flagged' THEN 1 WHEN 'lapsing' THEN 2 ELSE 3 END,
               coalesce(content_updated_at, created_at), id
      LIMIT $5`,
    [promptVersion, model, minLapses, deckId, limit, now],
  );
  return rows.map((row) => ({
    card: toCard(row),
    reasons: row.reasons,
    lapsesThisVersion: row.lapses_this_version,
    maxChars: row.deck_max_chars,
  }));
}
