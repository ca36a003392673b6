// The re-ask loop every LLM task shares (flashcards, askLlm): ask, parse, check, re-ask with the problems up to
// maxReasks, recording every attempt as its call returns. Transport retries happen inside client.complete; this
// loop only ever re-asks for compliance, and a transport failure ends it (re-asking cannot help).
import { systemClock, type Clock } from '../kernel/clock';
import { AttemptRecordingError, type AttemptRecorder, type LlmAttempt } from './attempt-recorder';
import { LlmTransportError, type ChatMessage, type Completion, type LlmClient, type StructuredOutput } from './llm-client-port';
import { parseModelAnswer } from './parse-model-answer';
import type { CardProblem, ReasonCode } from './reason-codes';
import { reasonCodes } from './validate-card';

/** A parsed answer judged by the task's rules; the lengths are the card columns of llm_attempt (null elsewhere). */
export type AnswerCheck<T> =
  | { ok: true; value: T; lengths?: AttemptLengths }
  | { ok: false; problems: CardProblem[]; lengths?: AttemptLengths };

export interface AttemptLengths {
  example: number | null;
  translation: number | null;
}

export interface AskValidatedOptions<T> {
  client: LlmClient;
  recorder: AttemptRecorder;
  /** The first request; a re-ask appends the previous answer and the problems to it. */
  messages: ChatMessage[];
  output: StructuredOutput;
  /** Re-asks after the first ask: at most maxReasks + 1 answers for the subject, earlier tries included. */
  maxReasks: number;
  /**
   * What earlier tries of the task already spent of the budget (answers, not provider errors), so a try retried
   * after a provider error asks only what is left (issue 15: one budget per word across tries).
   */
  spent?: { answered: number; lastReasons: readonly ReasonCode[] };
  check: (value: unknown) => AnswerCheck<T>;
  /** The user message of a re-ask, from the broken rules. */
  reask: (problems: readonly CardProblem[]) => string;
  /** What the attempts are stored under: `word` names the subject on the dashboard; maxChars 0 means no length rule. */
  tag: Pick<LlmAttempt, 'word' | 'hint' | 'promptVersion' | 'maxChars'>;
  /** What is asked for and about what, in messages: "No valid card for 'chat'", "…attempt 2 for 'chat'". */
  noun: string;
  subject: string;
  /** Follows a quoted refusal in the re-ask: why answering is fine. */
  refusalNudge?: string;
  clock?: Pick<Clock, 'now'>;
  signal?: AbortSignal;
}

export type AskValidatedResult<T> =
  | { ok: true; value: T; attempts: LlmAttempt[] }
  | {
      ok: false;
      /** Reason codes of the last attempt. */
      reasons: ReasonCode[];
      problems: CardProblem[];
      /** One line for the task log and the user. */
      message: string;
      /** False for a spent budget and configuration errors (auth, unknown model, a rejected request); true for provider errors. */
      retriable: boolean;
      /** Whether the re-ask budget ran out (rather than the transport failing): a new try would only spend it again. */
      exhausted: boolean;
      attempts: LlmAttempt[];
    };

export async function askValidated<T>(opts: AskValidatedOptions<T>): Promise<AskValidatedResult<T>> {
  const { client, recorder, signal, output, maxReasks, tag, noun, subject } = opts;
  if (!Number.isInteger(maxReasks) || maxReasks < 0) throw new RangeError(`maxReasks must be a whole number ≥ 0, got ${maxReasks}`);
  const clock = opts.clock ?? systemClock;
  const attempts: LlmAttempt[] = [];
  const spent = opts.spent?.answered ?? 0;
  const exhausted = (answered: number, problems: CardProblem[]): AskValidatedResult<T> => ({
    ok: false,
    reasons: reasonCodes(problems),
    problems,
    message: `No valid ${noun} for ${subject} after ${answered} ${answered === 1 ? 'attempt' : 'attempts'}: ${problems.map((p) => p.message).join('; ')}`,
    retriable: false,
    exhausted: true,
    attempts,
  });
  if (spent > maxReasks) {
    // Earlier tries spent it all (the try that spent it failed before it could say so, e.g. a recording error).
    const last = opts.spent?.lastReasons ?? [];
    return exhausted(spent, (last.length > 0 ? last : (['validation_failed'] as const)).map((code) => ({
      code,
      message: `the budget of ${maxReasks + 1} answers was spent by earlier tries (last: ${code})`,
    })));
  }

  const record = async (attempt: LlmAttempt) => {
    attempts.push(attempt);
    try {
      await recorder.record(attempt);
    } catch (cause) {
      throw new AttemptRecordingError(
        `Could not record LLM attempt ${attempt.attempt} for ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`,
        attempts,
        { cause },
      );
    }
  };

  const base = (n: number, messages: ChatMessage[]) => ({
    ...tag,
    attempt: n,
    model: client.model,
    provider: client.provider,
    requestMessages: messages,
  });

  let messages = opts.messages;
  for (let n = 1; ; n++) {
    let completion: Completion;
    try {
      completion = await client.complete({ messages, output, signal });
    } catch (err) {
      if (!(err instanceof LlmTransportError)) throw err;
      const problems: CardProblem[] = [{ code: err.reason, message: err.message }];
      await record({
        ...base(n, messages),
        strategy: err.strategy ?? 'plain',
        rawResponse: null,
        parsed: null,
        valid: false,
        reasonCodes: [err.reason],
        problems,
        exampleLength: null,
        translationLength: null,
        latencyMs: err.latencyMs,
        promptTokens: null,
        completionTokens: null,
        requests: err.requests,
        retryWaitMs: err.retryWaitMs,
        finishReason: null,
        error: err.message,
        createdAt: clock.now().toISOString(),
      });
      return { ok: false, reasons: [err.reason], problems, message: err.message, retriable: err.retryable, exhausted: false, attempts };
    }

    const answer = parseModelAnswer(completion.content, completion.refusal, opts.refusalNudge);
    const check: AnswerCheck<T> = answer.ok ? opts.check(answer.value) : { ok: false, problems: [answer.problem] };
    const rawResponse = completion.content ?? completion.refusal;
    const problems = check.ok ? [] : check.problems;
    await record({
      ...base(n, messages),
      strategy: completion.strategy,
      rawResponse,
      parsed: answer.ok ? answer.value : null,
      valid: check.ok,
      reasonCodes: reasonCodes(problems),
      problems,
      exampleLength: check.lengths?.example ?? null,
      translationLength: check.lengths?.translation ?? null,
      latencyMs: completion.latencyMs,
      promptTokens: completion.promptTokens,
      completionTokens: completion.completionTokens,
      requests: completion.requests,
      retryWaitMs: completion.retryWaitMs ?? 0,
      finishReason: completion.finishReason,
      error: null,
      createdAt: clock.now().toISOString(),
    });
    if (check.ok) return { ok: true, value: check.value, attempts };

    if (spent + n > maxReasks) return exhausted(spent + n, problems);
    // Only the latest answer is kept, so a re-ask costs the same tokens whatever its number.
    messages = [
      ...opts.messages,
      { role: 'assistant', content: rawResponse?.trim() || '(empty reply)' },
      { role: 'user', content: opts.reask(problems) },
    ];
  }
}
