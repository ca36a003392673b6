// Which models a run may ask for. The provider's key is spent per model and every model name becomes a metric
// label, so a person who triggers runs (a User) picks from a list an Op keeps in the LLM connection's extra
// (`allowed_models`), not any name they type. Without a list, only the configured default model is allowed.
// ADR 0030.
import { z } from 'zod';
import { LLM_CONNECTION_ID, resolveLlmConfig, type LlmConfigSources } from './llm-config';

/** The JSON Schema `format` of a DAG param that names a model (checked against this list when a run is triggered). */
export const LLM_MODEL_FORMAT = 'flashflow-llm-model';

export interface AllowedModels {
  /** What a run that names no model uses; always allowed. */
  defaultModel: string;
  /** The default model first, then the Op's list. */
  models: readonly string[];
  /** Where the list comes from, for the messages. */
  source: string;
}

export type AllowedModelsResult = { ok: true; allowed: AllowedModels } | { ok: false; message: string } | { ok: true; allowed: null };

const allowedModelsSchema = z.array(z.string().trim().min(1).max(200)).max(100);

function extraObject(extra: unknown): Record<string, unknown> | null {
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) return extra as Record<string, unknown>;
  if (typeof extra !== 'string' || extra.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(extra);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The models runs may name, from the same sources as the provider's configuration. `allowed: null` when no
 * provider is configured: there is nothing to check against, and such a run fails at once saying how to configure one.
 */
export function allowedModelsFor(sources: LlmConfigSources): AllowedModelsResult {
  const config = resolveLlmConfig(sources);
  if (!config.ok) return { ok: true, allowed: null };
  const connId = sources.connId ?? LLM_CONNECTION_ID;
  const { model } = config.config;
  if (config.config.source === 'env') return { ok: true, allowed: { defaultModel: model, models: [model], source: 'FLASHFLOW_LLM_MODEL' } };
  const raw = extraObject(sources.connection?.extra)?.allowed_models;
  const source = `extra.allowed_models of connection '${connId}'`;
  if (raw === undefined) return { ok: true, allowed: { defaultModel: model, models: [model], source: `the model of connection '${connId}' (no ${source})` } };
  const listed = allowedModelsSchema.safeParse(raw);
  if (!listed.success) return { ok: false, message: `${source} must be a list of model names, e.g. ["gpt-4o-mini", "gpt-4o"]` };
  return { ok: true, allowed: { defaultModel: model, models: [...new Set([model, ...listed.data])], source } };
}

/** Why a run may not use `requested`, or null when it may (no model named means the default). */
export function modelProblem(requested: unknown, allowed: AllowedModels): string | null {
  if (requested === undefined || requested === null) return null;
  const name = typeof requested === 'string' ? requested.trim() : '';
  if (name === '' || allowed.models.includes(name)) return null;
  return `the model '${name}' is not allowed; allowed: ${allowed.models.join(', ')} (set by ${allowed.source}; an Op can change the list)`;
}
