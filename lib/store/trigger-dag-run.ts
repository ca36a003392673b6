// A manual (or API / CLI) trigger: checks the DAG and its conf, then creates a queued run that the
// scheduler picks up. The caller wakes the scheduler (in process, or NOTIFY across processes).
// A refused conf creates nothing: every check runs before the run's row is written.
import type { SerializedDag } from '../engine/dag-model';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/errors';
import type { RunKey } from '../engine/run-store-port';
import { paramFormats, validateConf, type ParamFormatChecks } from '../engine/validate-conf';
import { VOCABULARY_FORMAT, vocabularyProblems } from '../flashcards/vocabulary-param';
import { LLM_CONNECTION_ID, type LlmEnvInput } from '../llm/llm-config';
import { allowedModelsFor, LLM_MODEL_FORMAT, modelProblem, type AllowedModelsResult } from '../llm/model-allowlist';
import type { ConnectionSource } from './connections';
import type { SqlClient } from './database';
import { createRun } from './run-store/run-queries';

/** Airflow's run id rule. */
const RUN_ID_PATTERN = /^[A-Za-z0-9_.~:+-]{1,250}$/;

export interface TriggerInput {
  dagId: string;
  conf?: Record<string, unknown>;
  runId?: string;
  logicalDate?: Date;
  note?: string | null;
  runType?: 'manual' | 'asset_triggered' | 'backfill';
}

export interface TriggerOptions {
  /**
   * The models a run may name (ADR 0030), asked only when the DAG has a model param and the conf sets it. The
   * edges where a person triggers (API, form, CLI) pass it; without it a named model is not checked here.
   */
  allowedModels?: () => Promise<AllowedModelsResult>;
}

/** The allowlist of the LLM connection (or the environment's provider), read when a trigger needs it. */
export function llmAllowedModels(connections: ConnectionSource, llmEnv: LlmEnvInput): () => Promise<AllowedModelsResult> {
  return async () => allowedModelsFor({ connection: await connections.get(LLM_CONNECTION_ID), env: llmEnv });
}

async function formatChecks(dag: SerializedDag, conf: Record<string, unknown>, options: TriggerOptions): Promise<ParamFormatChecks> {
  const checks: Record<string, (value: unknown) => readonly string[]> = { [VOCABULARY_FORMAT]: vocabularyProblems };
  const namesModel = [...paramFormats(dag)].some(([name, format]) => format === LLM_MODEL_FORMAT && conf[name] !== undefined);
  if (namesModel && options.allowedModels) {
    const result = await options.allowedModels();
    if (!result.ok) checks[LLM_MODEL_FORMAT] = () => [result.message];
    else if (result.allowed) {
      const allowed = result.allowed;
      checks[LLM_MODEL_FORMAT] = (value) => {
        const problem = modelProblem(value, allowed);
        return problem ? [problem] : [];
      };
    }
  }
  return checks;
}

export async function triggerDagRun(sql: SqlClient, input: TriggerInput, now: Date, options: TriggerOptions = {}): Promise<RunKey> {
  const [row] = await sql.query<{ serialized: SerializedDag }>(
    `SELECT serialized FROM dag WHERE dag_id = $1 AND is_active`,
    [input.dagId],
  );
  if (!row) throw new NotFoundError(`DAG '${input.dagId}' not found`);
  const raw = input.conf ?? {};
  const conf = validateConf(row.serialized, raw, await formatChecks(row.serialized, raw, options));
  const logicalDate = input.logicalDate ?? now;
  const runType = input.runType ?? 'manual';
  const runId = input.runId ?? `${runType}__${logicalDate.toISOString()}`;
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new InvalidInputError(`dag_run_id '${runId}' is invalid`, [{ path: 'dag_run_id', message: 'use letters, digits and _ . ~ : + - (at most 250)' }]);
  }
  const created = await createRun(
    sql,
    { dagId: input.dagId, runId, runType, logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: logicalDate, conf, externalTrigger: true, note: input.note ?? null },
    row.serialized,
    now,
  );
  if (!created) throw new ConflictError(`DAG run '${runId}' already exists for DAG '${input.dagId}'`);
  return { dagId: input.dagId, runId };
}
