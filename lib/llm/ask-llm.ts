// A validated LLM answer as one call from task code: `askLlm(ctx, { input, prompt, output, validators })`. The
// zod schema shapes the request (structured output where the endpoint supports it) and judges the answer; each
// validator returns null or a sentence the model reads in the re-ask. Every attempt is recorded in llm_attempt
// under the task (dag, run, task, map index, try) through ctx.services, like the flashcard generator's.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NonRetriableError, type TaskContext } from '../engine/task-context';
import { askValidated, type AnswerCheck } from './ask-validated';
import { LLM_CONNECTION_ID } from './llm-config';
import type { ChatMessage } from './llm-client-port';
import { providerConfig } from './provider-config';
import type { CardProblem, ReasonCode } from './reason-codes';

export const DEFAULT_LLM_TASK_REASKS = 3;

export interface LlmTaskSpec<In, S extends z.ZodType> {
  /** What the prompt and the validators are about: the pasted text, an upstream result… */
  input: In;
  /** The user message. Say what to extract or write; the JSON shape is added from `output`. */
  prompt: (input: In) => string;
  /** The answer's schema: sent as the structured-output JSON Schema, and the first judge of the answer. */
  output: S;
  /** Rules beyond the schema, run on a schema-valid answer: null when it holds, else a sentence for the model. */
  validators?: ReadonlyArray<(value: z.output<S>, input: In) => string | null>;
  /** Re-asks after the first ask (default 3): one budget per label across the task's tries. */
  maxReasks?: number;
  /** The connection of the provider (default llm_default, else the OPENAI_* variables). */
  connId?: string;
  /** Overrides the connection's model. */
  model?: string;
  /** What the attempts are listed under on the LLM dashboard (its word column); default the task id. */
  label?: string;
}

type LlmTaskContext = Pick<TaskContext, 'services' | 'log' | 'signal' | 'taskId' | 'tryNumber'>;

/** The answer broke the rules on every ask of the budget: retrying the task would only spend it again. */
export class LlmValidationError extends NonRetriableError {
  override name = 'LlmValidationError';
  constructor(
    message: string,
    readonly reasons: ReasonCode[],
    readonly problems: CardProblem[],
  ) {
    super(message);
  }
}

const SYSTEM = `Reply with ONE JSON object and nothing else (no prose, no markdown) that matches this JSON Schema:
{{schema}}`;
const REASK = `Your previous answer broke these rules:
{{problems}}
Reply again with the corrected JSON object only.`;

/** The portable JSON Schema of an output schema: `$schema` is dropped, strict endpoints refuse it. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  return rest;
}

/** Why a schema-invalid answer is wrong, one sentence per issue, naming the field the model must fix. */
function schemaProblems(error: z.ZodError): CardProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    return { code: 'schema_mismatch', message: field ? `your ${field}: ${issue.message}` : `your reply: ${issue.message}`, ...(field ? { field } : {}) };
  });
}

export function checkAnswer<In, S extends z.ZodType>(spec: Pick<LlmTaskSpec<In, S>, 'output' | 'validators' | 'input'>, value: unknown): AnswerCheck<z.output<S>> {
  const parsed = spec.output.safeParse(value);
  if (!parsed.success) return { ok: false, problems: schemaProblems(parsed.error) };
  const broken = (spec.validators ?? [])
    .map((rule) => rule(parsed.data, spec.input))
    .filter((message): message is string => message !== null);
  if (broken.length > 0) return { ok: false, problems: broken.map((message) => ({ code: 'validation_failed', message })) };
  return { ok: true, value: parsed.data };
}

export async function askLlm<In, S extends z.ZodType>(ctx: LlmTaskContext, spec: LlmTaskSpec<In, S>): Promise<z.output<S>> {
  const schema = jsonSchemaOf(spec.output);
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM.replace('{{schema}}', JSON.stringify(schema)) },
    { role: 'user', content: spec.prompt(spec.input) },
  ];
  // The template, the prompt function, the schema and the rules: changing any of them is a new prompt version.
  const promptVersion = createHash('sha256')
    .update(JSON.stringify([SYSTEM, REASK, spec.prompt.toString(), schema, (spec.validators ?? []).map(String)]))
    .digest('hex')
    .slice(0, 12);
  const label = spec.label ?? ctx.taskId;
  // A try retried after a provider error asks only what the earlier tries left of the budget.
  const [config, spent] = await Promise.all([
    providerConfig(ctx, spec.connId ?? LLM_CONNECTION_ID),
    ctx.tryNumber > 1 ? ctx.services.llm.spentBudget({ word: label }) : null,
  ]);
  // Loaded on first use: the openai client costs about a second to import, and every DAG file and runner imports
  // the SDK this module is part of, most of them never asking a model anything.
  const { sharedClient } = await import('./shared-clients');
  const result = await askValidated<z.output<S>>({
    client: sharedClient(spec.model ? { ...config, model: spec.model } : config),
    // No deck and no card: the attempt is only recorded. maxChars 0 says no length rule applied (not a card).
    recorder: { record: async (attempt) => void (await ctx.services.llm.recordAttempt({ deckId: null, attempt, saveAs: null })) },
    messages,
    output: { name: 'answer', schema },
    maxReasks: spec.maxReasks ?? DEFAULT_LLM_TASK_REASKS,
    ...(spent ? { spent } : {}),
    check: (value) => checkAnswer(spec, value),
    reask: (problems) => REASK.replace('{{problems}}', problems.map((p) => `- ${p.message}`).join('\n')),
    tag: { word: label, hint: null, promptVersion, maxChars: 0 },
    noun: 'answer',
    subject: `'${label}'`,
    refusalNudge: 'the request is an ordinary data task; answer with the JSON object',
    signal: ctx.signal,
  });
  if (result.ok) {
    ctx.log.info(`'${label}': valid answer after ${result.attempts.length} attempt(s)`);
    return result.value;
  }
  if (result.exhausted) throw new LlmValidationError(result.message, result.reasons, result.problems);
  throw result.retriable ? new Error(result.message) : new NonRetriableError(result.message);
}
