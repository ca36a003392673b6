// The card loop end to end with the real `openai` client against the scriptable fake server: re-asks for
// compliance, transport retries (on a clock that records waits instead of sleeping), capability fallback, and
// one recorded attempt per ask.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/kernel/clock';
import { AttemptRecordingError, type LlmAttempt } from '../../lib/llm/attempt-recorder';
import { PROMPT_VERSION } from '../../lib/llm/card-prompt';
import { generateCard, type GenerateCardOptions } from '../../lib/llm/generate-card';
import type { LlmProviderConfig } from '../../lib/llm/llm-config';
import { createOpenAiChatClient } from '../../lib/llm/openai-chat-client';
import { createCapabilityCache, type CapabilityCache } from '../../lib/llm/structured-output';
import { reply, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';

const CHAT = { french_word: 'chat', french_example: 'Le chat dort.', english_word: 'cat', english_translation: 'The cat sleeps.' };
const LONG_CHAT = { ...CHAT, french_example: 'Le chat noir dort sur le canapé', english_translation: 'The cat sleeps.' };

let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startFakeOpenAiServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function configFor(baseUrl: string, overrides: Partial<LlmProviderConfig> = {}): LlmProviderConfig {
  return {
    baseUrl,
    apiKey: 'sk-test',
    model: 'fake-model',
    timeoutMs: 5_000,
    temperature: null,
    maxTokens: null,
    transportRetry: { maximumAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 10_000, jitter: 0 },
    maxRetryAfterMs: 30_000,
    source: 'env',
    ...overrides,
  };
}

interface Harness {
  sleeps: number[];
  recorded: LlmAttempt[];
  warnings: string[];
  capabilities: CapabilityCache;
  options: (extra?: Partial<GenerateCardOptions>) => GenerateCardOptions;
}

function harness(overrides: Partial<LlmProviderConfig> = {}, baseUrl = server.baseUrl): Harness {
  const sleeps: number[] = [];
  const recorded: LlmAttempt[] = [];
  const warnings: string[] = [];
  // Records each wait and returns at once: a 2-second Retry-After costs nothing.
  const clock: Clock = { now: () => new Date('2026-01-05T10:00:00Z'), sleep: async (ms) => void sleeps.push(ms) };
  const capabilities = createCapabilityCache();
  const client = createOpenAiChatClient(configFor(baseUrl, overrides), {
    clock,
    capabilities,
    log: { warn: (m) => void warnings.push(m) },
  });
  return {
    sleeps,
    recorded,
    warnings,
    capabilities,
    options: (extra = {}) => ({
      client,
      recorder: { record: async (a) => void recorded.push(a) },
      clock,
      ...extra,
    }),
  };
}

describe('generateCard against an OpenAI-compatible endpoint', () => {
  it('returns a valid card at the first ask and records one attempt', async () => {
    const h = harness();
    server.script(reply.json(CHAT));
    const result = await generateCard('chat', null, h.options());
    expect(result).toEqual({ ok: true, card: CHAT, attempts: h.recorded });
    expect(server.calls).toBe(1);
    const request = server.requests[0]!.body;
    expect(request.model).toBe('fake-model');
    expect(request.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'flashcard', strict: true } });
    expect(h.recorded).toHaveLength(1);
    expect(h.recorded[0]).toMatchObject({
      word: 'chat',
      attempt: 1,
      model: 'fake-model',
      provider: new URL(server.baseUrl).host,
      promptVersion: PROMPT_VERSION,
      strategy: 'json_schema',
      valid: true,
      reasonCodes: [],
      exampleLength: 13,
      translationLength: 15,
      maxChars: 20,
      promptTokens: 120,
      completionTokens: 30,
      requests: 1,
      error: null,
      createdAt: '2026-01-05T10:00:00.000Z',
    });
    expect(h.recorded[0]!.requestMessages).toEqual(request.messages);
  });

  it('re-asks after an over-long example with feedback naming the field, the length and the limit', async () => {
    const h = harness();
    server.script(reply.json(LONG_CHAT), reply.json(CHAT));
    const result = await generateCard('chat', null, h.options());
    expect(result.ok).toBe(true);
    expect(server.calls).toBe(2);
    expect(h.recorded.map((a) => [a.attempt, a.valid, a.reasonCodes, a.exampleLength])).toEqual([
      [1, false, ['example_too_long'], 31],
      [2, true, [], 13],
    ]);
    const second = server.requests[1]!.body.messages!;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: JSON.stringify(LONG_CHAT) });
    expect(second.at(-1)!.content).toContain(
      "your french_example 'Le chat noir dort sur le canapé' has 31 characters; it must have fewer than 20",
    );
  });

  it('gives up for good after maxReasks + 1 over-long answers, every one recorded', async () => {
    const h = harness();
    server.otherwise(reply.json(LONG_CHAT));
    const result = await generateCard('chat', null, h.options({ maxReasks: 2 }));
    expect(result).toMatchObject({ ok: false, reasons: ['example_too_long'], retriable: false });
    expect(server.calls).toBe(3);
    expect(h.recorded.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(h.recorded.every((a) => !a.valid && a.reasonCodes[0] === 'example_too_long')).toBe(true);
    expect(result.attempts).toEqual(h.recorded);
  });

  it('re-asks after malformed JSON', async () => {
    const h = harness();
    server.script(reply.text('{"french_word": "chat", "french_example": "Le chat'), reply.json(CHAT));
    const result = await generateCard('chat', null, h.options());
    expect(result.ok).toBe(true);
    expect(h.recorded[0]).toMatchObject({ valid: false, reasonCodes: ['invalid_json'], parsed: null });
    expect(server.requests[1]!.body.messages!.at(-1)!.content).toMatch(/your reply is not a valid JSON object/);
  });

  it('parses JSON with prose around it', async () => {
    const h = harness();
    server.script(reply.text(`Sure! Here is your flashcard:\n\`\`\`json\n${JSON.stringify(CHAT)}\n\`\`\`\nEnjoy!`));
    const result = await generateCard('chat', null, h.options());
    expect(result.ok && result.card).toEqual(CHAT);
    expect(server.calls).toBe(1);
  });

  it('records explicit and prose refusals as refusal and re-asks them', async () => {
    const h = harness();
    server.script(reply.refusal('I cannot help with that.'), reply.text("I can't help with this request."));
    const result = await generateCard('connard', null, h.options({ maxReasks: 1 }));
    expect(result).toMatchObject({ ok: false, reasons: ['refusal'] });
    expect(h.recorded.map((a) => [a.reasonCodes, a.rawResponse])).toEqual([
      [['refusal'], 'I cannot help with that.'],
      [['refusal'], "I can't help with this request."],
    ]);
  });

  it('calls missing fields schema_mismatch and names them in the re-ask', async () => {
    const h = harness();
    server.script(reply.json({ french_word: 'chat', french_example: 'Le chat dort.' }), reply.json(CHAT));
    await generateCard('chat', null, h.options());
    expect(h.recorded[0]!.reasonCodes).toEqual(['schema_mismatch']);
    const feedback = server.requests[1]!.body.messages!.at(-1)!.content;
    expect(feedback).toContain('your reply has no english_word');
    expect(feedback).toContain('your reply has no english_translation');
  });

  it('honours Retry-After on a 429 inside one attempt', async () => {
    const h = harness();
    server.script(reply.rateLimited(2), reply.json(CHAT));
    const result = await generateCard('chat', null, h.options());
    expect(result.ok).toBe(true);
    expect(server.calls).toBe(2);
    expect(h.sleeps).toEqual([2_000]);
    expect(h.recorded).toHaveLength(1);
    expect(h.recorded[0]).toMatchObject({ attempt: 1, valid: true, requests: 2 });
  });

  it('does not wait for a Retry-After longer than the call may wait: the try fails as rate_limited', async () => {
    const h = harness({ maxRetryAfterMs: 1_000 });
    server.script(reply.rateLimited(3600));
    const result = await generateCard('chat', null, h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['rate_limited'], retriable: true });
    expect(h.sleeps).toEqual([]);
    expect(server.calls).toBe(1);
  });

  it('retries a 500 with the policy backoff, then succeeds', async () => {
    const h = harness();
    server.script(reply.error(500, 'upstream exploded', { type: 'server_error' }), reply.json(CHAT));
    const result = await generateCard('chat', null, h.options());
    expect(result.ok).toBe(true);
    expect(server.calls).toBe(2);
    expect(h.sleeps).toEqual([500]);
    expect(h.recorded).toHaveLength(1);
  });

  it('ends a hanging endpoint with the timeout reason after the transport retries', async () => {
    const h = harness({ timeoutMs: 150, transportRetry: { maximumAttempts: 2, initialIntervalMs: 10, backoffCoefficient: 2, maximumIntervalMs: null, jitter: 0 } });
    server.otherwise(reply.hang());
    const result = await generateCard('chat', null, h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['timeout'], retriable: true });
    expect(server.calls).toBe(2);
    expect(h.sleeps).toEqual([10]);
    expect(h.recorded).toHaveLength(1);
    expect(h.recorded[0]).toMatchObject({ valid: false, reasonCodes: ['timeout'], rawResponse: null, requests: 2 });
    expect(h.recorded[0]!.error).toMatch(/within 150 ms/);
  });

  it('fails at once on a 401 with a message saying which key to set', async () => {
    const h = harness();
    server.otherwise(reply.error(401, 'Incorrect API key provided', { type: 'invalid_request_error', code: 'invalid_api_key' }));
    const result = await generateCard('chat', null, h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['auth_error'], retriable: false });
    if (!result.ok) expect(result.message).toMatch(/llm_default.*OPENAI_API_KEY/);
    expect(server.calls).toBe(1);
    expect(h.sleeps).toEqual([]);
    expect(h.recorded[0]).toMatchObject({ reasonCodes: ['auth_error'], error: expect.stringMatching(/HTTP 401/) });
  });

  it('fails at once on a 404 model, naming the model setting', async () => {
    const h = harness();
    server.otherwise(reply.error(404, 'The model `fake-model` does not exist', { code: 'model_not_found' }));
    const result = await generateCard('chat', null, h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['model_not_found'], retriable: false });
    if (!result.ok) expect(result.message).toMatch(/FLASHFLOW_LLM_MODEL/);
    expect(server.calls).toBe(1);
  });

  it('retries a refused connection, then reports connection_error', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const h = harness({}, `http://127.0.0.1:${port}/v1`);
    const result = await generateCard('chat', null, h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['connection_error'], retriable: true });
    expect(h.sleeps).toEqual([500, 1_000]);
    expect(h.recorded[0]).toMatchObject({ requests: 3 });
  });

  it('rejects a word that cannot fit before any call', async () => {
    const h = harness();
    const result = await generateCard('prendre son courage à deux mains', 'be brave', h.options());
    expect(result).toMatchObject({ ok: false, reasons: ['word_too_long'], retriable: false, attempts: [] });
    expect(server.calls).toBe(0);
    expect(h.recorded).toEqual([]);
  });

  it('falls back json_schema → json_object → plain from error responses and remembers it', async () => {
    const h = harness();
    server.otherwise((request) => {
      const type = request.body.response_format?.type;
      if (type === 'json_schema') return reply.error(400, "response_format json_schema not supported", { param: 'response_format' });
      if (type === 'json_object') return reply.error(400, "'response_format.type' json_object is not supported by this server");
      return reply.text(`Voici la carte : ${JSON.stringify(CHAT)}`);
    });
    const first = await generateCard('chat', null, h.options());
    expect(first.ok).toBe(true);
    expect(server.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none']);
    expect(h.recorded[0]).toMatchObject({ strategy: 'plain', requests: 3 });
    expect(h.sleeps).toEqual([]);
    expect(h.warnings).toHaveLength(2);

    await generateCard('chat', null, h.options());
    expect(server.calls).toBe(4);
    expect(h.recorded[1]).toMatchObject({ strategy: 'plain', requests: 1 });
  });

  it('sends a length pattern when asked and steps down if the endpoint refuses it', async () => {
    const h = harness();
    server.script(reply.json(CHAT));
    await generateCard('chat', null, h.options({ decodeConstraint: true }));
    const schema = server.requests[0]!.body.response_format?.json_schema?.schema as {
      properties: Record<string, { pattern?: string }>;
    };
    expect(schema.properties.french_example?.pattern).toBe('^[^\\r\\n]{1,19}$');
    expect(h.recorded[0]!.strategy).toBe('json_schema_pattern');

    const h2 = harness();
    server.otherwise((request) =>
      JSON.stringify(request.body.response_format).includes('"pattern"')
        ? reply.error(400, "Invalid schema for response_format 'flashcard': 'pattern' is not permitted.")
        : reply.json(CHAT),
    );
    await generateCard('chat', null, h2.options({ decodeConstraint: true }));
    expect(h2.recorded[0]).toMatchObject({ strategy: 'json_schema', requests: 2 });
  });

  it('fails the try when an attempt cannot be recorded', async () => {
    const h = harness();
    server.script(reply.json(CHAT));
    const failing = h.options({ recorder: { record: () => Promise.reject(new Error('database is gone')) } });
    const outcome = generateCard('chat', null, failing);
    await expect(outcome).rejects.toBeInstanceOf(AttemptRecordingError);
    await expect(outcome).rejects.toThrow(/Could not record LLM attempt 1 for 'chat': database is gone/);
  });
});
