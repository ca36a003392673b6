// What a database command gets, whether it runs in the CLI's own process or inside the server (control socket).
import type { Database, SqlClient } from '../store/database';
import type { Runtime } from '../runtime/start-runtime';
import type { SecretBox } from '../secrets/secret-box';
import type { FlashflowConfig } from '../runtime/config';

export interface CommandContext {
  sql: SqlClient;
  prisma: Database['prisma'];
  now(): Date;
  /** Tells the scheduler that there is new work: in this process, or another one over PostgreSQL. */
  wake(): void | Promise<void>;
  /** The engine (scheduler + executor); started on first use when the CLI runs without a server. */
  runtime(): Promise<Runtime>;
  /** The key that opens connection secrets; loaded on first use when the CLI runs without a server. */
  secrets(): SecretBox;
  /** FLASHFLOW_CONN_* and FLASHFLOW_VAR_* of the process that owns the database: they win over the tables. */
  connectionEnv: Record<string, string>;
  variableEnv: Record<string, string>;
  /** The provider settings of the environment, for the models a trigger may name when no LLM connection exists. */
  llmEnv: FlashflowConfig['llmEnv'];
}
