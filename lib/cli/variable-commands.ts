// `flashflow variables …` where the database is. Files are read and written by the CLI process (the server may
// run elsewhere, with another working folder); only their contents cross the control socket.
import { z } from 'zod';
import { NotFoundError } from '../kernel/errors';
import { formatZodIssues, parseInput } from '../kernel/zod-issues';
import { jsonOrText } from '../kernel/json-or-text';
import { deleteVariable, insertVariable, listVariables, updateVariable, variableSource, VARIABLE_KEY_MAX_LENGTH, type VariableRow } from '../store/variables';
import type { SqlClient } from '../store/database';
import type { CommandContext } from './command-context';

const Key = z.string().trim().min(1, 'must not be empty').max(VARIABLE_KEY_MAX_LENGTH);
const KeyArgs = z.object({ key: z.string() });
const SetArgs = z.object({ key: Key, value: z.string(), description: z.string().optional() });
export const ON_EXISTING = ['overwrite', 'fail', 'skip'] as const;
const ImportArgs = z.object({ variables: z.record(z.string(), z.unknown()), action_on_existing_key: z.enum(ON_EXISTING).default('overwrite') });

/** Airflow's Variable.set: an upsert; a description not given keeps the one stored. */
async function setVariable(sql: SqlClient, v: { key: string; value: string; description?: string }): Promise<void> {
  if (await updateVariable(sql, v.key, { value: v.value, description: v.description })) return;
  if (!(await insertVariable(sql, { key: v.key, value: v.value, description: v.description ?? null }))) {
    // Inserted by someone else since the update: theirs is as old as ours, so ours wins.
    await updateVariable(sql, v.key, { value: v.value, description: v.description });
  }
}

/**
 * One entry of an import file, as Airflow reads it: a string is the value, anything else is stored as JSON, and
 * `{"value": …, "description": …}` carries a description.
 */
function importedEntry(key: string, entry: unknown): { key: string; value: string; description?: string } {
  const withDescription = entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry
    && Object.keys(entry).every((k) => k === 'value' || k === 'description');
  const value: unknown = withDescription ? (entry as { value: unknown }).value : entry;
  const description = withDescription ? (entry as { description?: unknown }).description : undefined;
  const parsed = SetArgs.safeParse({
    key,
    value: typeof value === 'string' ? value : JSON.stringify(value),
    description: typeof description === 'string' ? description : undefined,
  });
  if (!parsed.success) throw new Error(formatZodIssues(parsed.error));
  return parsed.data;
}

async function allVariables(sql: SqlClient): Promise<VariableRow[]> {
  const rows: VariableRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await listVariables(sql, { limit: 500, offset });
    rows.push(...page.rows);
    if (rows.length >= page.total || page.rows.length === 0) return rows;
  }
}

export const VARIABLE_COMMANDS = {
  'variables.set': async (ctx: CommandContext, raw: unknown) => {
    const v = parseInput(SetArgs, raw, 'variables set');
    await setVariable(ctx.sql, v);
    return { key: v.key };
  },
  // FLASHFLOW_VAR_<KEY> first, as task code reads it (Airflow's Variable.get).
  'variables.get': async (ctx: CommandContext, raw: unknown) => ({
    value: await variableSource(ctx.sql, ctx.variableEnv).get(parseInput(KeyArgs, raw, 'variables get').key),
  }),
  'variables.list': async (ctx: CommandContext) => (await allVariables(ctx.sql)).map((v) => ({ key: v.key, description: v.description })),
  'variables.delete': async (ctx: CommandContext, raw: unknown) => {
    const { key } = parseInput(KeyArgs, raw, 'variables delete');
    if (!(await deleteVariable(ctx.sql, key))) throw new NotFoundError(`variable '${key}' not found`);
    return { key };
  },
  'variables.import': async (ctx: CommandContext, raw: unknown) => {
    const a = parseInput(ImportArgs, raw, 'variables import');
    const existing = new Set((await allVariables(ctx.sql)).map((v) => v.key));
    const result = { total: 0, set: 0, skipped: 0, failed: [] as Array<{ key: string; error: string }> };
    for (const [key, entry] of Object.entries(a.variables)) {
      result.total++;
      if (existing.has(key) && a.action_on_existing_key === 'skip') {
        result.skipped++;
        continue;
      }
      try {
        if (existing.has(key) && a.action_on_existing_key === 'fail') throw new Error('already exists');
        await setVariable(ctx.sql, importedEntry(key, entry));
        result.set++;
      } catch (error) {
        result.failed.push({ key, error: (error as Error).message });
      }
    }
    return result;
  },
  /** Values that are JSON come back as JSON, so an export imports again unchanged (Airflow's export). */
  'variables.export': async (ctx: CommandContext) =>
    Object.fromEntries((await allVariables(ctx.sql)).map((v) => [v.key, jsonOrText(v.value)])),
} as const;
