// `flashflow db clean --older-than` and FLASHFLOW_RETENTION_DAYS (ADR 0032) on a real database: what goes (finished
// runs with their tries, logs and XComs; old logs, XComs, history, event log), what stays (runs in progress, each
// DAG's latest run, anything newer, cards and decks), batches, dry runs, and the CLI's flags.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { Command } from 'commander';
import { addDbCleanCommand } from '../../lib/cli/db-clean-program';
import { DB_COMMANDS, runDbCommand, type CommandContext } from '../../lib/cli/db-commands';
import { compileDag } from '../../lib/engine/compile-dag';
import type { SerializedDag } from '../../lib/engine/dag-model';
import type { Database } from '../../lib/store/database';
import { cleanDatabase, parseOlderThan } from '../../lib/store/db-clean';
import { applyRetention } from '../../lib/store/db-clean-schedule';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';
import { FakeClock } from '../support/fake-clock';
import { createTestDb } from '../support/test-db';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let compiled: SerializedDag;

beforeAll(() => {
  const d = dag({ dagId: 'd' });
  d.task('t', () => 1);
  const c = compileDag(d, '/d.ts');
  if (!c.ok) throw new Error(c.errors.join());
  compiled = c.dag;
});

/** Runs of DAG d `days` old in `state`, each with a try, a log line, an XCom, a history row, an event and an LLM attempt; a card. */
async function seed(db: Database, runs: Array<{ id: string; state: string; days: number }>): Promise<void> {
  await syncDags(db.sql, { dags: [compiled], errors: [], files: [] }, ago(400));
  const store = sqlRunStore(db.sql);
  for (const r of runs) {
    const at = ago(r.days);
    await store.createRun({ dagId: 'd', runId: r.id, runType: 'manual', logicalDate: at, dataIntervalStart: at, dataIntervalEnd: at, conf: {}, externalTrigger: true }, compiled, at);
    const live = r.state === 'running' || r.state === 'queued';
    await db.sql.query(`UPDATE dag_run SET state = $2, start_date = $3, end_date = $4 WHERE run_id = $1`, [r.id, r.state, at, live ? null : at]);
    const [ti] = await db.sql.query<{ id: string }>(
      `UPDATE task_instance SET state = $2, try_number = 1 WHERE run_id = $1 RETURNING id`, [r.id, live ? 'running' : r.state]);
    await db.sql.query(`INSERT INTO task_log (ti_id, try_number, stream, line, at) VALUES ($1, 1, 'stdout', 'hello', $2)`, [ti!.id, at]);
    await db.sql.query(`INSERT INTO xcom (dag_id, run_id, task_id, value, timestamp) VALUES ('d', $1, 't', '1', $2)`, [r.id, at]);
    await db.sql.query(
      `INSERT INTO task_instance_history (ti_id, dag_id, run_id, task_id, map_index, try_number, state, operator, pool, recorded_at)
       VALUES ($1, 'd', $2, 't', -1, 1, 'success', 'function', 'default_pool', $3)`, [ti!.id, r.id, at]);
    await db.sql.query(`INSERT INTO log (dttm, dag_id, run_id, event) VALUES ($1, 'd', $2, 'trigger')`, [at, r.id]);
    await db.sql.query(
      `INSERT INTO llm_attempt (dag_id, run_id, task_id, try_number, word, attempt, model, provider, prompt_version, strategy,
         request_messages, valid, outcome, max_chars, latency_ms, created_at)
       VALUES ('d', $1, 't', 1, 'chat', 1, 'm', 'p', 'v1', 'plain', '[]', false, 'invalid', 20, 5, $2)`, [r.id, at]);
  }
  await db.sql.query(`INSERT INTO deck (name, name_key) VALUES ('Amélie', 'amélie')`);
  await db.sql.query(
    `INSERT INTO card (deck_id, word, word_key, dag_run_id) SELECT d.id, 'chat', 'chat', r.id FROM deck d, dag_run r WHERE r.run_id = 'old_ok'`);
}

const RUNS = [
  { id: 'old_ok', state: 'success', days: 90 },
  { id: 'old_failed', state: 'failed', days: 80 },
  { id: 'old_running', state: 'running', days: 70 },
  { id: 'recent', state: 'success', days: 5 },
  // The latest run of the DAG by logical date: kept, however old it is, in the other DAG-less checks below.
];

async function counts(db: Database) {
  const n = async (sql: string) => (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0]!.n;
  return {
    runs: (await db.sql.query<{ run_id: string }>(`SELECT run_id FROM dag_run ORDER BY run_id`)).map((r) => r.run_id),
    task_log: await n('task_log'), xcom: await n('xcom'), history: await n('task_instance_history'), log: await n('log'), llm: await n('llm_attempt'),
    cards: await n('card'), decks: await n('deck'),
  };
}

describe('db clean', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createTestDb();
    await seed(db, RUNS);
    return () => db.close();
  });

  it('deletes finished runs and old rows, keeps runs in progress, newer rows, cards and decks; a dry run deletes nothing', async () => {
    const dry = await cleanDatabase(db.sql, { before: ago(30), dryRun: true });
    expect(await counts(db)).toMatchObject({ runs: ['old_failed', 'old_ok', 'old_running', 'recent'], task_log: 4, log: 4 });
    const done = await cleanDatabase(db.sql, { before: ago(30), batchSize: 1 });
    // A dry run counts each table on its own: the old runs' log lines and XComs show there, a clean removes them
    // with their runs.
    expect(Object.fromEntries(dry.tables.map((t) => [t.table, t.rows]))).toMatchObject({ dag_run: 2, task_log: 2, xcom: 2, task_instance_history: 3, log: 3 });
    expect(Object.fromEntries(done.tables.map((t) => [t.table, t.rows]))).toEqual({
      dag_run: 2, task_log: 0, xcom: 0, task_instance_history: 3, log: 3, llm_attempt: 3, callback_request: 0,
    });
    expect(await counts(db)).toEqual({ runs: ['old_running', 'recent'], task_log: 2, xcom: 2, history: 1, log: 1, llm: 1, cards: 1, decks: 1 });
    const [card] = await db.sql.query<{ dag_run_id: number | null }>(`SELECT dag_run_id FROM card`);
    expect(card!.dag_run_id).toBeNull();
  });

  it('cleans only the tables asked for, and keeps the latest run of a DAG however old', async () => {
    await db.sql.query(`DELETE FROM dag_run WHERE run_id IN ('recent', 'old_running')`);
    const result = await cleanDatabase(db.sql, { before: ago(30), tables: ['dag_run'] });
    expect(result.tables.map((t) => [t.table, t.rows])).toEqual([['dag_run', 1]]);
    expect((await counts(db)).runs).toEqual(['old_failed']);
    expect((await counts(db)).log).toBe(4);
  });

  it('cleans with FLASHFLOW_RETENTION_DAYS\' bound, by the clock it is given', async () => {
    const logged: string[] = [];
    await applyRetention({ sql: db.sql, days: 60, clock: new FakeClock(NOW.toISOString()), log: (_l, m) => logged.push(m) });
    expect((await counts(db)).runs).toEqual(['old_running', 'recent']);
    expect(logged.join()).toMatch(/FLASHFLOW_RETENTION_DAYS=60\) deleted 2 dag_run/);
  });

  it('runs as the db.clean command, reading --older-than as an age or a date', async () => {
    const ctx = { sql: db.sql, now: () => NOW } as unknown as CommandContext;
    const result = await DB_COMMANDS['db.clean'](ctx, { older_than: '2026-05-01', dry_run: true });
    expect(result.before).toBe('2026-05-01T00:00:00.000Z');
    expect(result.tables.find((t) => t.table === 'dag_run')!.rows).toBe(2);
    await expect(DB_COMMANDS['db.clean'](ctx, { older_than: '30d', tables: ['nope'] })).rejects.toThrow();
  });
});

describe('--older-than', () => {
  it('reads ages and dates, and refuses a future date or anything else with a clear message', () => {
    expect(parseOlderThan('30d', NOW)).toEqual(ago(30));
    expect(parseOlderThan('2w', NOW)).toEqual(ago(14));
    expect(parseOlderThan('12h', NOW)).toEqual(new Date(NOW.getTime() - 12 * 3_600_000));
    expect(parseOlderThan('2026-01-31T12:00:00Z', NOW)).toEqual(new Date('2026-01-31T12:00:00Z'));
    expect(() => parseOlderThan('2027-01-01', NOW)).toThrow(/in the future/);
    expect(() => parseOlderThan('last tuesday', NOW)).toThrow(/neither a date .* nor an age/);
  });
});

describe('flashflow db clean (its flags, on the db.clean command)', () => {
  it('prints counts per table; without --yes off a terminal it deletes nothing; --yes deletes', async () => {
    const db = await createTestDb();
    try {
      await seed(db, RUNS);
      const ctx = { sql: db.sql, now: () => NOW } as unknown as CommandContext;
      const lines: string[] = [];
      const run = (...args: string[]) => {
        const program = new Command('flashflow').exitOverride();
        addDbCleanCommand(program.command('db'), (name, a) => runDbCommand(name, ctx, a, () => {}), (l) => lines.push(l));
        return program.parseAsync(['node', 'flashflow', 'db', 'clean', ...args]);
      };
      // Without --yes it shows what would go (a dry run), then refuses: no terminal to confirm on.
      await expect(run('--older-than', '2026-05-01')).rejects.toThrow(/pass --yes/);
      expect(lines.join('\n')).toMatch(/Would delete rows older than 2026-05-01T00:00:00.000Z/);
      expect(lines.join('\n')).toMatch(/dag_run\s+\|\s+2\s+\|/);
      expect((await counts(db)).runs).toHaveLength(4);
      await expect(run('--older-than', '30d', '--tables', 'dag_run,bogus', '--yes')).rejects.toThrow(/no such table bogus/);
      lines.length = 0;
      await run('--older-than', '2026-05-01', '-y', '--tables', 'dag_run,log');
      const out = lines.join('\n');
      expect(out).toMatch(/Deleted rows older than/);
      expect(out).toMatch(/dag_run\s+\|\s+2\s+\|/);
      expect(out).toMatch(/log\s+\|\s+3\s+\|/);
      expect(out).not.toMatch(/xcom/);
      expect((await counts(db)).runs).toEqual(['old_running', 'recent']);
    } finally {
      await db.close();
    }
  });
});
