// One LlmClient per configuration and runner process, shared by every LLM task it runs: the client keeps its HTTP
// connections alive across tasks and remembers what structured output the endpoint supports.
import type { LlmProviderConfig } from './llm-config';
import type { LlmClient } from './llm-client-port';
import { createOpenAiChatClient } from './openai-chat-client';

const clients = new Map<string, LlmClient>();

export function sharedClient(config: LlmProviderConfig): LlmClient {
  const key = JSON.stringify(config);
  let client = clients.get(key);
  if (!client) {
    // console output in a runner is attributed to the try that is running (AsyncLocalStorage), so a retry
    // warning lands in the log of the task it concerns even with a shared client.
    client = createOpenAiChatClient(config, { log: { warn: (message) => console.warn(message) } });
    clients.set(key, client);
  }
  return client;
}
