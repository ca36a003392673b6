// The models a run may name (lib/llm/model-allowlist.ts, ADR 0030): the connection's default model, plus the Op's
// extra.allowed_models; the environment's provider allows its one model; no provider, nothing to check against.
import { describe, expect, it } from 'vitest';
import { allowedModelsFor, modelProblem, type AllowedModels } from '../../lib/llm/model-allowlist';

const connection = (extra: unknown) => ({ host: 'http://127.0.0.1:9/v1', password: 'sk-x', extra: extra as string });

function allowedOf(result: ReturnType<typeof allowedModelsFor>): AllowedModels {
  if (!result.ok || !result.allowed) throw new Error(`expected a list, got ${JSON.stringify(result)}`);
  return result.allowed;
}

describe('allowedModelsFor', () => {
  it("allows only the connection's model when the extra has no list", () => {
    const allowed = allowedOf(allowedModelsFor({ connection: connection('{"model": "gpt-4o-mini"}') }));
    expect(allowed.models).toEqual(['gpt-4o-mini']);
    expect(allowed.source).toMatch(/no extra\.allowed_models of connection 'llm_default'/);
  });

  it('adds the listed models after the default, once each, from a JSON string or an object', () => {
    const fromText = allowedOf(allowedModelsFor({ connection: connection('{"model": "m", "allowed_models": ["a", "m", " b "]}') }));
    expect(fromText.models).toEqual(['m', 'a', 'b']);
    const fromObject = allowedOf(allowedModelsFor({ connection: connection({ model: 'm', allowed_models: ['a'] }) }));
    expect(fromObject.models).toEqual(['m', 'a']);
  });

  it('refuses a list that is not a list of names, saying how to write one', () => {
    const result = allowedModelsFor({ connection: connection('{"model": "m", "allowed_models": "a,b"}') });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/must be a list of model names, e\.g\. \["gpt-4o-mini"/) });
  });

  it("allows FLASHFLOW_LLM_MODEL alone when the provider comes from the environment", () => {
    const allowed = allowedOf(allowedModelsFor({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', FLASHFLOW_LLM_MODEL: 'llama3.1' } }));
    expect(allowed).toEqual({ defaultModel: 'llama3.1', models: ['llama3.1'], source: 'FLASHFLOW_LLM_MODEL' });
  });

  it('has nothing to check against when no provider is configured', () => {
    expect(allowedModelsFor({ env: {} })).toEqual({ ok: true, allowed: null });
  });
});

describe('modelProblem', () => {
  const allowed: AllowedModels = { defaultModel: 'm', models: ['m', 'a'], source: 'extra.allowed_models of connection \'llm_default\'' };

  it('accepts no model (the default) and a listed one', () => {
    expect(modelProblem(undefined, allowed)).toBeNull();
    expect(modelProblem(' a ', allowed)).toBeNull();
  });

  it('names the allowed models and where the list is kept', () => {
    expect(modelProblem('gpt-4.5-preview', allowed)).toBe(
      "the model 'gpt-4.5-preview' is not allowed; allowed: m, a (set by extra.allowed_models of connection 'llm_default'; an Op can change the list)",
    );
  });
});
