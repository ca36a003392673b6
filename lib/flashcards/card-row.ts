// The Card domain type and its one mapping from a `card` row, so every query returns the same shape.
import { FailureReasonSchema, type CardContent, type CardStatus, type FailureReason } from './card-content';

/** ts-fsrs's Card fields, camelCased; `state` is ts-fsrs State (0 New, 1 Learning, 2 Review, 3 Relearning). */
export interface FsrsMemory {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: number;
  lastReview: Date | null;
}

export interface Card {
  id: number;
  deckId: number;
  word: string;
  wordKey: string;
  hint: string | null;
  /** Null until the first successful generation (or a manual edit). */
  content: CardContent | null;
  status: CardStatus;
  failureReasons: FailureReason[];
  promptVersion: string | null;
  model: string | null;
  /** 0 = no content yet; +1 on every content change. review_log rows name the version they graded. */
  version: number;
  contentUpdatedAt: Date | null;
  /** Set when a person wrote the current content (editCard). */
  editedAt: Date | null;
  /** The deck limit the current content was checked against; null without content. */
  maxChars: number | null;
  /** Weekly regeneration back-off: failed regenerations in a row, and the time it skips the card until. */
  failedRegenerations: number;
  regenerateAfter: Date | null;
  source: { dagId: string; runId: string; mapIndex: number | null } | null;
  flaggedAt: Date | null;
  flagReason: string | null;
  fsrs: FsrsMemory;
  createdAt: Date;
  updatedAt: Date;
}

export interface CardRow {
  id: number;
  deck_id: number;
  word: string;
  word_key: string;
  hint: string | null;
  french_word: string | null;
  french_example: string | null;
  english_word: string | null;
  english_translation: string | null;
  status: CardStatus;
  failure_reasons: unknown;
  prompt_version: string | null;
  model: string | null;
  version: number;
  content_updated_at: Date | null;
  edited_at: Date | null;
  max_chars: number | null;
  failed_regenerations: number;
  regenerate_after: Date | null;
  source_dag_id: string | null;
  source_run_id: string | null;
  source_map_index: number | null;
  flagged_at: Date | null;
  flag_reason: string | null;
  due: Date;
  stability: number;
  difficulty: number;
  elapsed_days: number;
  scheduled_days: number;
  learning_steps: number;
  reps: number;
  lapses: number;
  fsrs_state: number;
  last_review: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The select list for CardRow, qualified by `alias` (for joins and UPDATE … RETURNING). */
export function cardColumns(alias = 'card'): string {
  return CARD_COLUMN_NAMES.map((column) => `${alias}.${column}`).join(', ');
}

const CARD_COLUMN_NAMES = [
  'id', 'deck_id', 'word', 'word_key', 'hint', 'french_word', 'french_example', 'english_word', 'english_translation',
  'status', 'failure_reasons', 'prompt_version', 'model', 'version', 'content_updated_at', 'edited_at', 'max_chars',
  'failed_regenerations', 'regenerate_after', 'source_dag_id',
  'source_run_id', 'source_map_index', 'flagged_at', 'flag_reason', 'due', 'stability', 'difficulty', 'elapsed_days',
  'scheduled_days', 'learning_steps', 'reps', 'lapses', 'fsrs_state', 'last_review', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof CardRow>;

const FailureReasonsSchema = FailureReasonSchema.array().catch([]);

export function toCard(row: CardRow): Card {
  const hasContent =
    row.french_word !== null && row.french_example !== null && row.english_word !== null && row.english_translation !== null;
  return {
    id: row.id,
    deckId: row.deck_id,
    word: row.word,
    wordKey: row.word_key,
    hint: row.hint,
    content: hasContent
      ? {
          french_word: row.french_word!,
          french_example: row.french_example!,
          english_word: row.english_word!,
          english_translation: row.english_translation!,
        }
      : null,
    status: row.status,
    failureReasons: FailureReasonsSchema.parse(row.failure_reasons),
    promptVersion: row.prompt_version,
    model: row.model,
    version: row.version,
    contentUpdatedAt: row.content_updated_at,
    editedAt: row.edited_at,
    maxChars: row.max_chars,
    failedRegenerations: row.failed_regenerations,
    regenerateAfter: row.regenerate_after,
    source:
      row.source_dag_id !== null && row.source_run_id !== null
        ? { dagId: row.source_dag_id, runId: row.source_run_id, mapIndex: row.source_map_index }
        : null,
    flaggedAt: row.flagged_at,
    flagReason: row.flag_reason,
    fsrs: {
      due: row.due,
      stability: row.stability,
      difficulty: row.difficulty,
      elapsedDays: row.elapsed_days,
      scheduledDays: row.scheduled_days,
      learningSteps: row.learning_steps,
      reps: row.reps,
      lapses: row.lapses,
      state: row.fsrs_state,
      lastReview: row.last_review,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
