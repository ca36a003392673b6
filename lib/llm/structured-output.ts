// Which output strategy an endpoint supports is learnt from its error responses, never guessed from its name:
// a 400/422 that complains about `response_format` (or, for the pattern strategy, about `pattern`) steps down to
// the next strategy and is remembered per base URL + model for the life of the process.
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { OUTPUT_STRATEGIES, type OutputStrategy, type StructuredOutput } from './llm-client-port';

export interface CapabilityCache {
  /** The strongest strategy not yet refused by this endpoint + model. */
  ceiling(key: string): OutputStrategy;
  /** Records that `strategy` was refused. */
  refuse(key: string, strategy: OutputStrategy): void;
}

export function createCapabilityCache(): CapabilityCache {
  const ceilings = new Map<string, OutputStrategy>();
  return {
    ceiling: (key) => ceilings.get(key) ?? OUTPUT_STRATEGIES[0],
    refuse: (key, strategy) => {
      const next = weakerStrategy(strategy);
      const current = ceilings.get(key) ?? OUTPUT_STRATEGIES[0];
      if (next && rank(next) > rank(current)) ceilings.set(key, next);
    },
  };
}

/** Shared by every client of this process: a runner process learns an endpoint's limits once. */
export const processCapabilityCache = createCapabilityCache();

export function capabilityKey(baseUrl: string, model: string): string {
  return `${baseUrl.replace(/\/+$/, '')}|${model}`;
}

function rank(strategy: OutputStrategy): number {
  return OUTPUT_STRATEGIES.indexOf(strategy);
}

export function weakerStrategy(strategy: OutputStrategy): OutputStrategy | null {
  return OUTPUT_STRATEGIES[rank(strategy) + 1] ?? null;
}

/** The strategy to try first: the request's strongest, unless the endpoint already refused it. */
export function firstStrategy(output: StructuredOutput, ceiling: OutputStrategy): OutputStrategy {
  const wanted: OutputStrategy = output.patternSchema ? 'json_schema_pattern' : 'json_schema';
  return rank(wanted) >= rank(ceiling) ? wanted : ceiling;
}

/** Does this error response say the endpoint cannot do `strategy` (rather than something else being wrong)? */
export function refusesStrategy(status: number | undefined, errorText: string, strategy: OutputStrategy): boolean {
  if (status !== 400 && status !== 422 && status !== 501) return false;
  const text = errorText.toLowerCase();
  const aboutFormat = text.includes('response_format') || text.includes('response format');
  switch (strategy) {
    case 'json_schema_pattern':
      return aboutFormat || text.includes('json_schema') || text.includes('pattern');
    case 'json_schema':
      return aboutFormat || text.includes('json_schema') || text.includes('json schema');
    case 'json_object':
      return aboutFormat || text.includes('json_object') || text.includes('json mode');
    case 'plain':
      return false;
  }
}

type ResponseFormat = ChatCompletionCreateParamsNonStreaming['response_format'];

export function responseFormatFor(strategy: OutputStrategy, output: StructuredOutput): ResponseFormat | undefined {
  switch (strategy) {
    case 'json_schema_pattern':
      return {
        type: 'json_schema',
        json_schema: { name: output.name, schema: output.patternSchema ?? output.schema, strict: true },
      };
    case 'json_schema':
      return { type: 'json_schema', json_schema: { name: output.name, schema: output.schema, strict: true } };
    case 'json_object':
      return { type: 'json_object' };
    case 'plain':
      return undefined;
  }
}
