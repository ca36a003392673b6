// The shared re-ask loop and askLlm's judge, on an in-memory client: what is re-asked, with which words, and when
// the loop stops. The real client against the fake server is in workflow-cv-extraction.test.ts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { askValidated } from '../../lib/llm/ask-validated';
import { checkAnswer } from '../../lib/llm/ask-llm';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { LlmTransportError, type CompletionRequest, type LlmClient } from '../../lib/llm/llm-client-port';

function client(answers: Array<string | LlmTransportError>): LlmClient & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    model: 'm',
    provider: 'local',
    requests,
    complete: async (request) => {
      requests.push(request);
      const next = answers.shift();
      if (next === undefined) throw new Error('unexpected call');
      if (next instanceof LlmTransportError) throw next;
      return { content: next, refusal: null, finishReason: 'stop', strategy: 'json_schema', promptTokens: 1, completionTokens: 1, latencyMs: 1, requests: 1 };
    },
  };
}

const schema = z.object({ n: z.number() });
const even = (v: { n: number }) => (v.n % 2 === 0 ? null : `n ${v.n} must be even`);

function ask(answers: Array<string | LlmTransportError>, maxReasks = 2, spent?: { answered: number; lastReasons: ['validation_failed'] }) {
  const c = client(answers);
  const recorded: LlmAttempt[] = [];
  const result = askValidated({
    client: c,
    recorder: { record: async (a) => void recorded.push(a) },
    messages: [{ role: 'user', content: 'a number' }],
    output: { name: 'answer', schema: {} },
    maxReasks,
    ...(spent ? { spent } : {}),
    check: (value) => checkAnswer({ output: schema, validators: [even], input: null }, value),
    reask: (problems) => problems.map((p) => p.message).join('\n'),
    tag: { word: 'n', hint: null, promptVersion: 'v', maxChars: 0 },
    noun: 'answer',
    subject: "'n'",
  });
  return { c, recorded, result };
}

describe('askValidated with askLlm checks', () => {
  it('re-asks with the validator sentence after the previous answer, and returns the valid value', async () => {
    const { c, recorded, result } = ask(['{"n": 3}', '{"n": 4}']);
    expect(await result).toMatchObject({ ok: true, value: { n: 4 } });
    expect(c.requests[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: '{"n": 3}' },
      { role: 'user', content: 'n 3 must be even' },
    ]);
    expect(recorded.map((a) => [a.attempt, a.valid, a.reasonCodes, a.maxChars])).toEqual([[1, false, ['validation_failed'], 0], [2, true, [], 0]]);
  });

  it('runs validators only on an answer the schema accepts', async () => {
    const { c, result } = ask(['{"n": "three"}', '{"n": 2}']);
    expect((await result).ok).toBe(true);
    expect(c.requests[1]!.messages.at(-1)!.content).toMatch(/^your n: .*number/);
  });

  it('stops after maxReasks re-asks with the last reasons, marked exhausted', async () => {
    const { c, result } = ask(['{"n": 1}', '{"n": 3}'], 1);
    expect(await result).toMatchObject({
      ok: false, exhausted: true, retriable: false, reasons: ['validation_failed'], message: "No valid answer for 'n' after 2 attempts: n 3 must be even",
    });
    expect(c.requests).toHaveLength(2);
  });

  it('asks only what earlier tries left of the budget, and counts their answers in the message', async () => {
    const { c, recorded, result } = ask(['{"n": 1}', '{"n": 3}'], 3, { answered: 2, lastReasons: ['validation_failed'] });
    expect(await result).toMatchObject({ ok: false, exhausted: true, retriable: false, message: "No valid answer for 'n' after 4 attempts: n 3 must be even" });
    expect([c.requests.length, recorded.map((a) => a.attempt)]).toEqual([2, [1, 2]]);
  });

  it('asks nothing when earlier tries spent the whole budget', async () => {
    const { c, result } = ask([], 1, { answered: 2, lastReasons: ['validation_failed'] });
    expect(await result).toMatchObject({ ok: false, exhausted: true, retriable: false, reasons: ['validation_failed'] });
    expect(c.requests).toHaveLength(0);
  });

  it('never re-asks after a transport failure', async () => {
    const { c, recorded, result } = ask([new LlmTransportError('auth_error', 'bad key', { status: 401, retryable: false })]);
    expect(await result).toMatchObject({ ok: false, exhausted: false, retriable: false, reasons: ['auth_error'] });
    expect([c.requests.length, recorded.length]).toEqual([1, 1]);
  });
});
