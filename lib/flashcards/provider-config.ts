// The LLM provider configuration as the generate_card tries of one runner process see it. The engine reads the
// `llm_default` connection through Prisma (10–30 ms), so a runner asks at most every few seconds and shares the
// answer between its words; an answer past its freshness is still used while a new one is fetched in the
// background, so no word waits for the refresh. A failure is never kept: a provider configured after a
// "no provider" error is used by the next word.
import type { TaskContext } from '../engine/task-context';

type ServicesCtx = Pick<TaskContext, 'services'>;
import type { LlmProviderConfig } from '../llm/llm-config';

/** An edited connection applies to the words that start this long after the edit, or one word later. */
export const CONFIG_FRESH_MS = 5_000;
/** An answer this old is not used even while a refresh is under way. */
const CONFIG_MAX_AGE_MS = 60_000;

interface Known {
  at: number;
  value: LlmProviderConfig;
}

let known: Known | null = null;
let fetching: Promise<LlmProviderConfig> | null = null;

function fetchConfig(ctx: ServicesCtx): Promise<LlmProviderConfig> {
  const value = ctx.services.llm.config().then(
    (config) => {
      known = { at: Date.now(), value: config };
      return config;
    },
    (err: unknown) => {
      known = null;
      throw err;
    },
  );
  fetching = value;
  const done = () => {
    if (fetching === value) fetching = null;
  };
  value.then(done, done);
  return value;
}

export async function providerConfig(ctx: ServicesCtx): Promise<LlmProviderConfig> {
  const age = known ? Date.now() - known.at : Infinity;
  if (known && age <= CONFIG_FRESH_MS) return known.value;
  if (known && age <= CONFIG_MAX_AGE_MS) {
    if (!fetching) fetchConfig(ctx).catch(() => {}); // this word goes on with the answer it has
    return known.value;
  }
  if (fetching) {
    try {
      return await fetching;
    } catch {
      // Asked by another try, which may have ended before the answer came: ask again as this one.
    }
  }
  return fetchConfig(ctx);
}
