// The `vocabulary` param of a DAG: pasted text that must parse (parse-vocabulary.ts) within its limits. The
// rule travels with the DAG's params as a JSON Schema `format`, so the server refuses a bad vocabulary when the
// run is triggered (API, CLI, form alike), and the task's own process checks it again with this schema.
import { z } from 'zod';
import { parseVocabulary, VocabularyError, VOCABULARY_LIMITS } from './parse-vocabulary';

export const VOCABULARY_FORMAT = 'flashflow-vocabulary';

/** What is wrong with `text` as a vocabulary (each message names the limit it breaks), or nothing. */
export function vocabularyProblems(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  try {
    parseVocabulary(text);
    return [];
  } catch (error) {
    if (!(error instanceof VocabularyError)) throw error;
    return [error.message];
  }
}

export const vocabularyParam = z
  .string()
  .superRefine((text, ctx) => {
    for (const message of vocabularyProblems(text)) ctx.addIssue({ code: 'custom', message });
  })
  .meta({
    format: VOCABULARY_FORMAT,
    description:
      `One word or expression per line (\`word ; hint\` allowed); at most ${VOCABULARY_LIMITS.maxEntries} distinct words ` +
      `and ${VOCABULARY_LIMITS.maxBytes.toLocaleString('en-US')} bytes.`,
  });
