// The `variables` command group, with `airflow variables …` arguments. Import and export files are JSON objects
// of key → value, read and written by this process.
import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../kernel/errors';
import { OUTPUT_FORMATS, printAs, printJson, type OutputFormat } from './output';
import { ON_EXISTING } from './variable-commands';

type ViaDb = (command: string, args: Record<string, unknown>) => Promise<unknown>;
interface Io {
  out: (line: string) => void;
  warn: (line: string) => void;
}

async function readVariablesFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidInputError(`${file} must hold a JSON object of variables, e.g. {"deck_name": "Amélie"}`);
  return parsed as Record<string, unknown>;
}

export function addVariableCommands(program: Command, viaDb: ViaDb, { out, warn }: Io): void {
  const variables = program.command('variables').description('manage variables (FLASHFLOW_VAR_<KEY> wins over the table)');

  variables.command('set <key> <value>').description('create or change a variable')
    .option('--description <text>', 'what the variable is for')
    .action(async (key: string, value: string, o: { description?: string }) => {
      await viaDb('variables.set', { key, value, description: o.description });
      out(`Variable ${key} created`);
    });

  variables.command('get <key>').description('print a variable\'s value, as a task would read it')
    .option('-d, --default <value>', 'printed when the variable does not exist (instead of failing)')
    .option('-j, --json', 'the value is JSON: print it formatted', false)
    .action(async (key: string, o: { default?: string; json: boolean }) => {
      const { value } = (await viaDb('variables.get', { key })) as { value: string | null };
      if (value === null && o.default === undefined) throw new Error(`variable '${key}' does not exist`);
      if (value === null || !o.json) return out(value ?? o.default!);
      try {
        printJson(JSON.parse(value), out);
      } catch {
        throw new Error(`variable '${key}' is not JSON (drop -j to print it as text)`);
      }
    });

  variables.command('list').description('list variable keys (values stay out of listings)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (o: { output: OutputFormat }) => {
      const rows = (await viaDb('variables.list', {})) as Array<{ key: string; description: string | null }>;
      printAs(rows, ['key', 'description'], o.output, out);
    });

  variables.command('delete <key>').description('delete a variable')
    .action(async (key: string) => {
      await viaDb('variables.delete', { key });
      out(`Variable ${key} deleted`);
    });

  variables.command('import <file>').description('set variables from a JSON object file; non-string values are stored as JSON')
    .addOption(new Option('-a, --action-on-existing-key <action>', 'what to do with a key that exists').choices(ON_EXISTING).default('overwrite'))
    .action(async (file: string, o: { actionOnExistingKey: string }) => {
      const vars = await readVariablesFile(file);
      const r = (await viaDb('variables.import', { variables: vars, action_on_existing_key: o.actionOnExistingKey })) as {
        total: number; set: number; skipped: number; failed: Array<{ key: string; error: string }>;
      };
      out(`${r.set} of ${r.total} variables successfully updated.${r.skipped ? ` ${r.skipped} skipped (they exist).` : ''}`);
      if (r.failed.length === 0) return;
      for (const f of r.failed) warn(`flashflow: variable '${f.key}': ${f.error}`);
      warn(`flashflow: ${r.failed.length} variable(s) failed to be updated.`);
      process.exitCode = 1;
    });

  variables.command('export <file>').description('write every variable to a JSON object file (`-` for standard output)')
    .action(async (file: string) => {
      const vars = (await viaDb('variables.export', {})) as Record<string, unknown>;
      const text = JSON.stringify(vars, null, 2);
      if (file === '-') return out(text);
      // Values may be secrets: the file is the owner's alone.
      await writeFile(file, `${text}\n`, { mode: 0o600 });
      out(`${Object.keys(vars).length} variables successfully exported to ${file}`);
    });
}
