// The dashboard's query string → the API's LlmFilter (the same zod schema GET /api/v1/llm/stats parses), with the
// form's day inputs (from/to, inclusive, UTC) turned into the API's created_at range, and the flashcard default.
import { LlmFilter } from '@/lib/api/contracts/llm';
import { statsFilter } from '@/lib/api/handlers/llm';
import type { LlmAttemptFilter } from '@/lib/store/llm-stats-queries';

export const FILTER_FIELDS = ['model', 'prompt_version', 'strategy', 'deck_id', 'dag_id', 'task_id', 'dag_run_id', 'from', 'to'] as const;

/** The DAG choice that lifts the flashcard default: every LLM task's attempts. */
export const EVERY_DAG = '*';
export type FilterValues = Partial<Record<(typeof FILTER_FIELDS)[number], string>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseDashboardFilter(search: Record<string, string | string[] | undefined>): {
  values: FilterValues;
  filter: LlmAttemptFilter;
  errors: Record<string, string>;
} {
  const values: FilterValues = {};
  for (const f of FILTER_FIELDS) {
    const v = search[f];
    const s = Array.isArray(v) ? v[v.length - 1] : v;
    if (s && s.trim() !== '') values[f] = s.trim();
  }
  const errors: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const f of ['model', 'prompt_version', 'strategy', 'deck_id', 'task_id', 'dag_run_id'] as const) if (values[f]) query[f] = values[f]!;
  if (values.dag_id && values.dag_id !== EVERY_DAG) query.dag_id = values.dag_id;
  // With no DAG or task chosen the page shows what it always has: the flashcard tasks' attempts, whose panels
  // (words, example lengths against the limit) mean something only for cards.
  const cardsOnly = !values.dag_id && !values.task_id;
  if (values.from) {
    if (DAY.test(values.from)) query.created_at_gte = `${values.from}T00:00:00Z`;
    else errors.from = 'use a date such as 2026-05-01';
  }
  if (values.to) {
    if (DAY.test(values.to)) {
      const next = new Date(`${values.to}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      query.created_at_lt = next.toISOString();
    } else errors.to = 'use a date such as 2026-05-31';
  }
  const parsed = LlmFilter.safeParse(query);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'form').replace('created_at_gte', 'from').replace('created_at_lt', 'to');
      errors[key] ??= issue.message;
    }
    return { values, filter: { cardsOnly }, errors };
  }
  return { values, filter: { ...statsFilter(parsed.data), cardsOnly }, errors };
}
