// `flashflow db clean --older-than <date|age>`: Airflow's `airflow db clean --clean-before-timestamp`, with the
// flags people know from it (--dry-run, --tables, -y/--yes). It deletes, so without --yes it asks on a terminal and
// refuses elsewhere.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../kernel/errors';
import { CLEAN_TABLE_NAMES, type DbCleanResult } from '../store/db-clean';
import { printTable } from './output';

type ViaDb = (command: string, args: Record<string, unknown>) => Promise<unknown>;

async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export function addDbCleanCommand(db: Command, viaDb: ViaDb, out: (line: string) => void): void {
  db.command('clean')
    .description('delete finished runs, task logs, XComs, try history, event log and LLM attempts older than a date or age')
    .requiredOption('--older-than <when>', 'an ISO date or date-time (2026-01-31) or an age (30d, 12h, 2w)')
    .option('--tables <names>', `comma-separated subset of: ${CLEAN_TABLE_NAMES.join(', ')}`)
    .option('--dry-run', 'print what would be deleted, delete nothing', false)
    .option('-y, --yes', 'do not ask for confirmation', false)
    .action(async (o: { olderThan: string; tables?: string; dryRun: boolean; yes: boolean }) => {
      const tables = o.tables?.split(',').map((t) => t.trim()).filter(Boolean);
      const unknown = tables?.filter((t) => !(CLEAN_TABLE_NAMES as string[]).includes(t)) ?? [];
      if (unknown.length) throw new InvalidInputError(`--tables: no such table ${unknown.join(', ')}; choose from ${CLEAN_TABLE_NAMES.join(', ')}`);
      const args = { older_than: o.olderThan, tables, dry_run: o.dryRun };
      if (!o.dryRun && !o.yes) {
        const preview = (await viaDb('db.clean', { ...args, dry_run: true })) as DbCleanResult;
        print(preview, out);
        if (!(await confirmed('Delete these rows?'))) {
          throw new InvalidInputError('nothing deleted: confirm on a terminal, or pass --yes (see the counts with --dry-run)');
        }
      }
      print((await viaDb('db.clean', args)) as DbCleanResult, out);
    });
}

function print(result: DbCleanResult, out: (line: string) => void): void {
  out(`${result.dry_run ? 'Would delete' : 'Deleted'} rows older than ${result.before}:`);
  printTable(result.tables.map((t) => ({ table: t.table, rows: String(t.rows), what: t.what })), ['table', 'rows', 'what'], out);
}
