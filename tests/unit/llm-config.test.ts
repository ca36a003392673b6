// Provider configuration from the connection or the environment, and the messages that say what to set.
import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../lib/engine/task-context';
import { LlmConfigError, requireLlmConfig, resolveLlmConfig } from '../../lib/llm/llm-config';

describe('resolveLlmConfig', () => {
  it('refuses to run with nothing configured and says how to configure a provider', () => {
    const result = resolveLlmConfig({ connection: null, env: {} });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/No LLM provider is configured/);
      expect(result.message).toMatch(/llm_default/);
      expect(result.message).toMatch(/OPENAI_BASE_URL, OPENAI_API_KEY and FLASHFLOW_LLM_MODEL/);
    }
  });

  it('reads the environment', () => {
    const result = resolveLlmConfig({
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY: '', FLASHFLOW_LLM_MODEL: 'llama3.1' },
    });
    expect(result).toMatchObject({
      ok: true,
      config: { baseUrl: 'http://127.0.0.1:11434/v1', apiKey: null, model: 'llama3.1', source: 'env' },
    });
  });

  it('defaults the base URL to OpenAI when only a key and a model are set', () => {
    const result = resolveLlmConfig({ env: { OPENAI_API_KEY: 'sk-x', FLASHFLOW_LLM_MODEL: 'gpt-4o-mini' } });
    expect(result.ok && result.config.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('names the missing variable', () => {
    expect(resolveLlmConfig({ env: { OPENAI_API_KEY: 'sk-x' } })).toMatchObject({ ok: false, message: expect.stringMatching(/FLASHFLOW_LLM_MODEL/) });
    expect(resolveLlmConfig({ env: { FLASHFLOW_LLM_MODEL: 'm' } })).toMatchObject({ ok: false, message: expect.stringMatching(/OPENAI_BASE_URL/) });
    expect(resolveLlmConfig({ env: { OPENAI_BASE_URL: 'localhost:11434', FLASHFLOW_LLM_MODEL: 'm' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/http:\/\/ or https:\/\//),
    });
  });

  it('prefers the connection, with model and options from its extra', () => {
    const result = resolveLlmConfig({
      connection: {
        host: 'http://127.0.0.1:8000/v1',
        password: 'secret',
        extra: '{"model": "qwen2.5", "timeout_ms": 5000, "temperature": 0.2, "max_retries": 1}',
      },
      env: { OPENAI_BASE_URL: 'http://elsewhere/v1', FLASHFLOW_LLM_MODEL: 'other' },
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        baseUrl: 'http://127.0.0.1:8000/v1',
        apiKey: 'secret',
        model: 'qwen2.5',
        timeoutMs: 5000,
        temperature: 0.2,
        transportRetry: { maximumAttempts: 2 },
        source: 'connection',
      },
    });
  });

  it('explains a connection without a model or with a broken extra', () => {
    expect(resolveLlmConfig({ connection: { host: 'http://h/v1', extra: null } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/names no model/),
    });
    expect(resolveLlmConfig({ connection: { host: 'http://h/v1', extra: '{model:' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('throws a non-retriable LlmConfigError from requireLlmConfig', () => {
    expect(() => requireLlmConfig({ env: {} })).toThrow(LlmConfigError);
    try {
      requireLlmConfig({ env: {} });
    } catch (err) {
      // The local executor recognises non-retriable failures by this name.
      expect(err).toBeInstanceOf(NonRetriableError);
      expect((err as Error).name).toBe('NonRetriableError');
    }
  });
});
