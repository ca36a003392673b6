// Capability detection from error responses, the per-endpoint memory of it, and the prompt's version.
import { describe, expect, it } from 'vitest';
import { PROMPT_VERSION, buildCardMessages, buildReaskMessages } from '../../lib/llm/card-prompt';
import { capabilityKey, createCapabilityCache, firstStrategy, refusesStrategy } from '../../lib/llm/structured-output';

describe('refusesStrategy', () => {
  it('reads a 400 about response_format or json_schema as a refusal of json_schema', () => {
    expect(refusesStrategy(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", 'json_schema')).toBe(true);
    expect(refusesStrategy(422, 'json_schema not supported', 'json_schema')).toBe(true);
  });

  it('reads a 400 about pattern as a refusal of the pattern strategy only', () => {
    expect(refusesStrategy(400, "Invalid schema: 'pattern' is not permitted", 'json_schema_pattern')).toBe(true);
    expect(refusesStrategy(400, "Invalid schema: 'pattern' is not permitted", 'json_schema')).toBe(false);
  });

  it('does not read other errors as capability refusals', () => {
    expect(refusesStrategy(400, "This model's maximum context length is 8192 tokens", 'json_schema')).toBe(false);
    expect(refusesStrategy(500, 'response_format broke the server', 'json_schema')).toBe(false);
    expect(refusesStrategy(400, 'response_format', 'plain')).toBe(false);
  });
});

describe('capability cache', () => {
  it('remembers a refusal per base URL and model and never climbs back', () => {
    const cache = createCapabilityCache();
    const a = capabilityKey('http://h/v1/', 'm1');
    const b = capabilityKey('http://h/v1', 'm2');
    expect(a).toBe('http://h/v1|m1');
    cache.refuse(a, 'json_schema');
    expect(cache.ceiling(a)).toBe('json_object');
    expect(cache.ceiling(b)).toBe('json_schema_pattern');
    cache.refuse(a, 'json_schema_pattern');
    expect(cache.ceiling(a)).toBe('json_object');
  });

  it('starts with the pattern strategy only when the request carries a pattern schema', () => {
    const output = { name: 'card', schema: {} };
    expect(firstStrategy(output, 'json_schema_pattern')).toBe('json_schema');
    expect(firstStrategy({ ...output, patternSchema: {} }, 'json_schema_pattern')).toBe('json_schema_pattern');
    expect(firstStrategy({ ...output, patternSchema: {} }, 'json_object')).toBe('json_object');
  });
});

describe('card prompt', () => {
  it('has a short hash as version', () => {
    expect(PROMPT_VERSION).toMatch(/^[0-9a-f]{12}$/);
  });

  it('states the limit and passes the entry with its hint', () => {
    const [system, user] = buildCardMessages('avocat', 'le fruit', 20);
    expect(system?.content).toContain('FEWER than 20 characters, that is at most 19');
    expect(user).toEqual({ role: 'user', content: 'avocat ; le fruit' });
  });

  it('re-asks with the previous answer and every problem', () => {
    const first = buildCardMessages('chat', null, 20);
    const messages = buildReaskMessages(first, '{"x":1}', [{ code: 'invalid_json', message: 'your reply was empty' }], { word: 'chat', maxChars: 20 });
    expect(messages.slice(0, 2)).toEqual(first);
    expect(messages[2]).toEqual({ role: 'assistant', content: '{"x":1}' });
    expect(messages[3]?.content).toContain('- your reply was empty');
    expect(messages[3]?.content).toContain("must use 'chat'");
  });
});
