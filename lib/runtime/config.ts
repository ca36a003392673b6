// Flashflow's configuration, read once from the environment at the process edge and passed down.
// Every setting has a default that works with zero configuration (embedded database, local executor).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '../engine/zod-issues';

const intFrom = (min: number) => z.coerce.number().int().min(min);

const EnvSchema = z.object({
  FLASHFLOW_HOME: z.string().min(1).default('.flashflow'),
  FLASHFLOW_DAGS_FOLDER: z.string().min(1).default('workflows'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  PORT: intFrom(1).max(65535).default(3000),
  FLASHFLOW_HOST: z.string().min(1).default('127.0.0.1'),
  FLASHFLOW_EXECUTOR_PROCESSES: intFrom(1).default(os.availableParallelism()),
  // processes × 16 = 32 on two cores: Airflow's default parallelism, and I/O-bound tasks (LLM calls) share a process.
  FLASHFLOW_WORKER_CONCURRENCY: intFrom(1).default(16),
  FLASHFLOW_POLL_INTERVAL_MS: intFrom(10).default(1000),
  FLASHFLOW_ZOMBIE_THRESHOLD_MS: intFrom(1000).default(120_000),
  FLASHFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  FLASHFLOW_LLM_MODEL: z.string().optional(),
  // Checked where it is used (lib/secrets/secret-key.ts), which says what a valid key looks like.
  FLASHFLOW_SECRET_KEY: z.string().optional(),
});

export interface FlashflowConfig {
  home: string;
  dagsFolder: string;
  databaseUrl: string | null;
  port: number;
  host: string;
  executor: { processes: number; concurrency: number };
  pollIntervalMs: number;
  zombieThresholdMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  llm: { baseUrl: string | null; apiKey: string | null; model: string | null };
  /** The same three settings under their variable names, as lib/llm's resolveLlmConfig reads them. */
  llmEnv: { OPENAI_BASE_URL?: string; OPENAI_API_KEY?: string; FLASHFLOW_LLM_MODEL?: string };
  /** Key(s) that encrypt connection secrets (first encrypts, all decrypt); null → $FLASHFLOW_HOME/secret.key. */
  secretKey: string | null;
  /** `FLASHFLOW_CONN_<ID>` variables: connections defined in the environment (they win over the table). */
  connectionEnv: Record<string, string>;
  /** The environment task processes inherit: this process's, minus the secrets only the server needs. */
  taskEnv: Record<string, string | undefined>;
}

/** Secrets task code must not see: database credentials stay off task processes (DESIGN.md §1). */
const SERVER_ONLY_ENV = new Set(['FLASHFLOW_SECRET_KEY', 'DATABASE_URL']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Blank variables count as unset, so `PORT= npm start` behaves like no PORT at all. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): FlashflowConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    home: path.resolve(cwd, e.FLASHFLOW_HOME),
    dagsFolder: path.resolve(cwd, e.FLASHFLOW_DAGS_FOLDER),
    databaseUrl: e.DATABASE_URL ?? null,
    port: e.PORT,
    host: e.FLASHFLOW_HOST,
    executor: { processes: e.FLASHFLOW_EXECUTOR_PROCESSES, concurrency: e.FLASHFLOW_WORKER_CONCURRENCY },
    pollIntervalMs: e.FLASHFLOW_POLL_INTERVAL_MS,
    zombieThresholdMs: e.FLASHFLOW_ZOMBIE_THRESHOLD_MS,
    logLevel: e.FLASHFLOW_LOG_LEVEL,
    llm: { baseUrl: e.OPENAI_BASE_URL ?? null, apiKey: e.OPENAI_API_KEY ?? null, model: e.FLASHFLOW_LLM_MODEL ?? null },
    llmEnv: { OPENAI_BASE_URL: e.OPENAI_BASE_URL, OPENAI_API_KEY: e.OPENAI_API_KEY, FLASHFLOW_LLM_MODEL: e.FLASHFLOW_LLM_MODEL },
    secretKey: e.FLASHFLOW_SECRET_KEY ?? null,
    connectionEnv: Object.fromEntries(Object.entries(present).filter(([k]) => k.startsWith('FLASHFLOW_CONN_'))) as Record<string, string>,
    taskEnv: Object.fromEntries(Object.entries(env).filter(([k]) => !SERVER_ONLY_ENV.has(k))),
  };
}
