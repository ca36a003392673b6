// The LLM provider configuration as the LLM tasks of one runner process see it (generate_card tries, askLlm). The
// engine reads the connection through Prisma (10–30 ms), so a runner asks at most every few seconds per connection
// and shares the answer between its tasks; an answer past its freshness is still used while a new one is fetched in
// the background, so no task waits for the refresh. A failure is never kept: a provider configured after a
// "no provider" error is used by the next task.
import type { TaskContext } from '../engine/task-context';
import { maskInEveryLog } from '../secrets/secret-masker';
import { LLM_CONNECTION_ID, type LlmProviderConfig } from './llm-config';

type ServicesCtx = Pick<TaskContext, 'services'>;

/** An edited connection applies to the words that start this long after the edit, or one word later. */
export const CONFIG_FRESH_MS = 5_000;
/** An answer this old is not used even while a refresh is under way. */
const CONFIG_MAX_AGE_MS = 60_000;

interface Known {
  at: number;
  value: LlmProviderConfig;
}

interface Slot {
  known: Known | null;
  fetching: Promise<LlmProviderConfig> | null;
}

const slots = new Map<string, Slot>();

function slotOf(connId: string): Slot {
  let slot = slots.get(connId);
  if (!slot) {
    slot = { known: null, fetching: null };
    slots.set(connId, slot);
  }
  return slot;
}

function fetchConfig(ctx: ServicesCtx, connId: string, slot: Slot): Promise<LlmProviderConfig> {
  // llm_default is asked without an id, so a server that predates other connections still answers it.
  const value = ctx.services.llm.config(connId === LLM_CONNECTION_ID ? undefined : { connId }).then(
    (config) => {
      // A provider that quotes the key in an error (OpenAI's 401 does) must not put it in a log or llm_attempt.
      maskInEveryLog(config.apiKey);
      slot.known = { at: Date.now(), value: config };
      return config;
    },
    (err: unknown) => {
      slot.known = null;
      throw err;
    },
  );
  slot.fetching = value;
  const done = () => {
    if (slot.fetching === value) slot.fetching = null;
  };
  value.then(done, done);
  return value;
}

export async function providerConfig(ctx: ServicesCtx, connId: string = LLM_CONNECTION_ID): Promise<LlmProviderConfig> {
  const slot = slotOf(connId);
  const { known } = slot;
  const age = known ? Date.now() - known.at : Infinity;
  if (known && age <= CONFIG_FRESH_MS) return known.value;
  if (known && age <= CONFIG_MAX_AGE_MS) {
    if (!slot.fetching) fetchConfig(ctx, connId, slot).catch(() => {}); // this task goes on with the answer it has
    return known.value;
  }
  if (slot.fetching) {
    try {
      return await slot.fetching;
    } catch {
      // Asked by another try, which may have ended before the answer came: ask again as this one.
    }
  }
  return fetchConfig(ctx, connId, slot);
}
