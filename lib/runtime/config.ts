// Flashflow's configuration, read once from the environment at the process edge and passed down.
// Every setting has a default that works with zero configuration (embedded database, local executor).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '../kernel/zod-issues';
import { smtpConnectionJson, type SmtpSettings } from '../hooks/smtp-settings';
import { TaskLogMaxBytes } from '../engine/task-log-cap';
import { MaxMapLength } from '../engine/max-map-length';
import { withoutServerSecrets } from '../secrets/task-environment';

const intFrom = (min: number) => z.coerce.number().int().min(min);
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  FLASHFLOW_HOME: z.string().min(1).default('.flashflow'),
  FLASHFLOW_DAGS_FOLDER: z.string().min(1).default('workflows'),
  /** Airflow's plugins_folder; default $FLASHFLOW_HOME/plugins. The project's plugins/ is searched as well. */
  FLASHFLOW_PLUGINS_FOLDER: z.string().min(1).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  PORT: intFrom(1).max(65535).default(3000),
  FLASHFLOW_HOST: z.string().min(1).default('127.0.0.1'),
  FLASHFLOW_EXECUTOR_PROCESSES: intFrom(1).default(os.availableParallelism()),
  // processes × 16 = 32 on two cores: Airflow's default parallelism, and I/O-bound tasks (LLM calls) share a process.
  FLASHFLOW_WORKER_CONCURRENCY: intFrom(1).default(16),
  /** Where a scheduler runs tries: its own runner processes, or remote `flashflow worker`s through Redis. */
  FLASHFLOW_EXECUTOR: z.enum(['local', 'bullmq']).default('local'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Tries a bullmq scheduler keeps queued or running at once (Airflow's core.parallelism). */
  FLASHFLOW_PARALLELISM: intFrom(1).default(32),
  /** The webserver a worker sends its tasks' service calls to; default FLASHFLOW_BASE_URL. */
  FLASHFLOW_API_URL: z.string().url().optional(),
  /** `flashflow scheduler` serves /health and /metrics on this port (Airflow's 8974) when set. */
  FLASHFLOW_SCHEDULER_HEALTH_PORT: intFrom(0).optional(),
  /** Reverse proxies in front of the web server that append to X-Forwarded-For. */
  FLASHFLOW_PROXY_HOPS: intFrom(0).default(0),
  FLASHFLOW_POLL_INTERVAL_MS: intFrom(10).default(1000),
  FLASHFLOW_ZOMBIE_THRESHOLD_MS: intFrom(1000).default(120_000),
  FLASHFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  FLASHFLOW_LLM_MODEL: z.string().optional(),
  // Checked where it is used (lib/secrets/secret-key.ts), which says what a valid key looks like.
  FLASHFLOW_SECRET_KEY: z.string().optional(),
  // Where links in alerts point (the task log page); default http://<host>:<port>.
  FLASHFLOW_BASE_URL: z.string().url().optional(),
  // Alerts (lib/ops/alerts). FLASHFLOW_SMTP_* wins over the plain SMTP_* names; connection smtp_default is the
  // fallback when neither names a host. Airflow's [smtp] defaults: port 25, STARTTLS on, implicit TLS off.
  FLASHFLOW_SMTP_HOST: z.string().min(1).optional(),
  FLASHFLOW_SMTP_PORT: intFrom(1).max(65535).optional(),
  FLASHFLOW_SMTP_USER: z.string().optional(),
  FLASHFLOW_SMTP_PASSWORD: z.string().optional(),
  FLASHFLOW_SMTP_MAIL_FROM: z.string().min(3).optional(),
  FLASHFLOW_SMTP_SSL: flag.optional(),
  FLASHFLOW_SMTP_STARTTLS: flag.optional(),
  FLASHFLOW_SLACK_WEBHOOK_URL: z.string().url().optional(),
  FLASHFLOW_ALERT_WEBHOOK_URL: z.string().url().optional(),
  // Airflow's [core] test_connection: testing makes the server reach a host an Op user chooses (ADR 0017).
  FLASHFLOW_TEST_CONNECTION: z.enum(['Enabled', 'Disabled']).default('Enabled'),
  // Resource limits (ADR 0032): bytes of log one try keeps, instances per mapped task (Airflow's max_map_length),
  // and the age past which the scheduler deletes finished runs, logs and audit rows (off unless set).
  FLASHFLOW_TASK_LOG_MAX_BYTES: TaskLogMaxBytes,
  FLASHFLOW_MAX_MAP_LENGTH: MaxMapLength,
  FLASHFLOW_RETENTION_DAYS: intFrom(1).optional(),
});

/** SMTP_HOST etc. are read as FLASHFLOW_SMTP_HOST when the latter is unset. */
const SMTP_ALIASES = ['HOST', 'PORT', 'USER', 'PASSWORD', 'MAIL_FROM', 'SSL', 'STARTTLS'] as const;

export interface AlertsConfig {
  /** null → connection smtp_default, else email alerts are recorded as skipped. */
  smtp: SmtpSettings | null;
  /** null → connection slack_default, else no Slack alerts. */
  slackWebhookUrl: string | null;
  genericWebhookUrl: string | null;
}

export interface FlashflowConfig {
  home: string;
  dagsFolder: string;
  /** Folders of plugin files (ADR 0025), loaded by the DAG parser and the task runners, never by the server. */
  pluginFolders: string[];
  databaseUrl: string | null;
  port: number;
  host: string;
  executor: {
    kind: 'local' | 'bullmq';
    processes: number;
    concurrency: number;
    /** bullmq: tries queued or running at once. */
    parallelism: number;
  };
  redisUrl: string | null;
  /** Base URL of the webserver whose task-execution endpoint a worker calls. */
  apiUrl: string;
  /** Reverse proxies in front that append to X-Forwarded-For; the client is that many entries from its end. */
  proxyHops: number;
  /** Port of the scheduler's health and metrics server; null: none. */
  schedulerHealthPort: number | null;
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
  /** FLASHFLOW_VAR_<KEY> variables (Airflow's AIRFLOW_VAR_<KEY>): they win over the variable table. */
  variableEnv: Record<string, string>;
  /** The environment task processes inherit: this process's, minus the secrets only the server needs (isServerSecret). */
  taskEnv: Record<string, string | undefined>;
  /** Origin of the web UI, without a trailing slash, for links in alerts. */
  baseUrl: string;
  /** Whether Op users may test connections (POST /connections/test and the page's Test button). */
  testConnection: boolean;
  /** Session cookies carry `Secure` when the UI is served over HTTPS (FLASHFLOW_BASE_URL https://…). */
  secureCookies: boolean;
  alerts: AlertsConfig;
  /** Bytes of log one try keeps; past it a marker line and nothing more (ADR 0032). */
  taskLogMaxBytes: number;
  /** Instances one mapped task may expand into. */
  maxMapLength: number;
  /** The scheduler deletes what `flashflow db clean` would for this many days back; null: never. */
  retentionDays: number | null;
}

/** Every variable name Flashflow reads: docs/deploy.md and the deploy examples are checked against it. */
export function configVariableNames(): string[] {
  return [...Object.keys(EnvSchema.shape), ...SMTP_ALIASES.map((name) => `SMTP_${name}`)];
}

/** Whether Flashflow reads a variable of this name (FLASHFLOW_CONN_<ID> and FLASHFLOW_VAR_<KEY> included). */
export function isConfigVariable(name: string): boolean {
  return configVariableNames().includes(name) || /^FLASHFLOW_(CONN|VAR)_[A-Z0-9_.]+$/.test(name);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Blank variables count as unset, so `PORT= npm start` behaves like no PORT at all. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): FlashflowConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  for (const name of SMTP_ALIASES) present[`FLASHFLOW_SMTP_${name}`] ??= present[`SMTP_${name}`];
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodIssues(parsed.error)}`);
  const e = parsed.data;
  const baseUrl = (e.FLASHFLOW_BASE_URL ?? `http://${linkHost(e.FLASHFLOW_HOST)}:${e.PORT}`).replace(/\/+$/, '');
  const smtp: SmtpSettings | null = e.FLASHFLOW_SMTP_HOST
    ? {
        host: e.FLASHFLOW_SMTP_HOST,
        port: e.FLASHFLOW_SMTP_PORT ?? (e.FLASHFLOW_SMTP_SSL ? 465 : 25),
        user: e.FLASHFLOW_SMTP_USER ?? null,
        password: e.FLASHFLOW_SMTP_PASSWORD ?? null,
        mailFrom: e.FLASHFLOW_SMTP_MAIL_FROM ?? `flashflow@${os.hostname()}`,
        ssl: e.FLASHFLOW_SMTP_SSL ?? false,
        starttls: e.FLASHFLOW_SMTP_STARTTLS ?? !(e.FLASHFLOW_SMTP_SSL ?? false),
      }
    : null;
  return {
    home: path.resolve(cwd, e.FLASHFLOW_HOME),
    dagsFolder: path.resolve(cwd, e.FLASHFLOW_DAGS_FOLDER),
    pluginFolders: [...new Set([path.resolve(cwd, e.FLASHFLOW_PLUGINS_FOLDER ?? path.join(e.FLASHFLOW_HOME, 'plugins')), path.resolve(cwd, 'plugins')])],
    databaseUrl: e.DATABASE_URL ?? null,
    port: e.PORT,
    host: e.FLASHFLOW_HOST,
    executor: {
      kind: e.FLASHFLOW_EXECUTOR,
      processes: e.FLASHFLOW_EXECUTOR_PROCESSES,
      concurrency: e.FLASHFLOW_WORKER_CONCURRENCY,
      parallelism: e.FLASHFLOW_PARALLELISM,
    },
    redisUrl: e.REDIS_URL ?? null,
    apiUrl: (e.FLASHFLOW_API_URL ?? baseUrl).replace(/\/+$/, ''),
    proxyHops: e.FLASHFLOW_PROXY_HOPS,
    schedulerHealthPort: e.FLASHFLOW_SCHEDULER_HEALTH_PORT ?? null,
    pollIntervalMs: e.FLASHFLOW_POLL_INTERVAL_MS,
    zombieThresholdMs: e.FLASHFLOW_ZOMBIE_THRESHOLD_MS,
    logLevel: e.FLASHFLOW_LOG_LEVEL,
    llm: { baseUrl: e.OPENAI_BASE_URL ?? null, apiKey: e.OPENAI_API_KEY ?? null, model: e.FLASHFLOW_LLM_MODEL ?? null },
    llmEnv: { OPENAI_BASE_URL: e.OPENAI_BASE_URL, OPENAI_API_KEY: e.OPENAI_API_KEY, FLASHFLOW_LLM_MODEL: e.FLASHFLOW_LLM_MODEL },
    secretKey: e.FLASHFLOW_SECRET_KEY ?? null,
    connectionEnv: {
      // The mail server and Slack webhook alerts use are also the default connections of the email and
      // slackWebhook operators; FLASHFLOW_CONN_SMTP_DEFAULT / _SLACK_DEFAULT, when set, win.
      ...(smtp ? { FLASHFLOW_CONN_SMTP_DEFAULT: smtpConnectionJson(smtp) } : {}),
      ...(e.FLASHFLOW_SLACK_WEBHOOK_URL
        ? { FLASHFLOW_CONN_SLACK_DEFAULT: JSON.stringify({ conn_type: 'slackwebhook', description: 'From FLASHFLOW_SLACK_WEBHOOK_URL', password: e.FLASHFLOW_SLACK_WEBHOOK_URL }) }
        : {}),
      ...(Object.fromEntries(Object.entries(present).filter(([k]) => k.startsWith('FLASHFLOW_CONN_'))) as Record<string, string>),
    },
    variableEnv: Object.fromEntries(Object.entries(present).filter(([k]) => k.startsWith('FLASHFLOW_VAR_'))) as Record<string, string>,
    // FLASHFLOW_HOME made absolute: task code finds its artifacts folder from it, whatever its working directory.
    taskEnv: { ...withoutServerSecrets(env), FLASHFLOW_HOME: path.resolve(cwd, e.FLASHFLOW_HOME) },
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    testConnection: e.FLASHFLOW_TEST_CONNECTION === 'Enabled',
    alerts: {
      smtp,
      slackWebhookUrl: e.FLASHFLOW_SLACK_WEBHOOK_URL ?? null,
      genericWebhookUrl: e.FLASHFLOW_ALERT_WEBHOOK_URL ?? null,
    },
    taskLogMaxBytes: e.FLASHFLOW_TASK_LOG_MAX_BYTES,
    maxMapLength: e.FLASHFLOW_MAX_MAP_LENGTH,
    retentionDays: e.FLASHFLOW_RETENTION_DAYS ?? null,
  };
}

/** A wildcard bind address is no place to send a browser; name the machine instead. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return os.hostname();
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
