// llm.config on the server side: an LLM task may name its own connection; llm_default keeps its fallback to the
// OPENAI_* variables, another id must exist and its messages name it.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../lib/connections/connection-model';
import { flashcardServices } from '../../lib/flashcards/services';
import { LlmConfigError } from '../../lib/llm/llm-config';
import type { SqlClient } from '../../lib/store/database';

const JOB = { tiId: 't', dagId: 'cv_extraction', runId: 'r', taskId: 'extract_cv', mapIndex: -1, tryNumber: 1 };
const conn = (connId: string, extra: string): Connection => ({
  conn_id: connId, conn_type: 'openai', description: null, host: 'http://127.0.0.1:9/v1', schema: null, login: null,
  password: 'sk-x', port: null, extra,
});

function configService(connections: Connection[]) {
  const services = flashcardServices({
    // llm.config never queries: a database that fails loudly if it did.
    sql: new Proxy({}, { get: () => () => Promise.reject(new Error('no database in this test')) }) as SqlClient,
    now: () => new Date(),
    connections: { get: async (id) => connections.find((c) => c.conn_id === id) ?? null },
    llmEnv: { OPENAI_BASE_URL: 'http://127.0.0.1:8/v1', FLASHFLOW_LLM_MODEL: 'env-model' },
  });
  return (input?: { connId?: string }) => services.llm.config(JOB, input);
}

describe('llm.config with a connection id', () => {
  it('reads the named connection', async () => {
    const config = await configService([conn('llm_cv', '{"model": "cv-model"}')])({ connId: 'llm_cv' });
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', model: 'cv-model', source: 'connection' });
  });

  it('falls back to the environment for llm_default only', async () => {
    expect(await configService([])()).toMatchObject({ model: 'env-model', source: 'env' });
    await expect(configService([])({ connId: 'llm_cv' })).rejects.toThrow(new LlmConfigError(
      `Connection 'llm_cv' does not exist: create it (host = the base URL, password = the API key, extra = {"model": "<model name>"}).`,
    ));
  });

  it('names the connection it read in what to fix', async () => {
    await expect(configService([conn('llm_cv', '{}')])({ connId: 'llm_cv' })).rejects.toThrow(/Connection 'llm_cv' names no model/);
  });
});
