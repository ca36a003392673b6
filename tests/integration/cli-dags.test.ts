// `flashflow dags …` as a user runs it: a real process, a temp FLASHFLOW_HOME and the fixture folder
// tests/fixtures/dags-cli (one good file with two DAGs, and three files that are import errors).
// No server runs here, so every command opens the embedded database itself. The commands run in this process; an
// error and a whole `dags test` run as processes of their own, as a user's do.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, makeHome, removeTempDirs, runCli, runCliInProcess, type CliResult } from '../support/cli-harness';
import { makeDagFolder, writeDagFile } from '../support/dag-folder';

const dagsFolder = fixturePath('dags-cli');
let home: string;
const cli = (...args: string[]) => runCliInProcess(args, { home, dagsFolder });
const cliProcess = (...args: string[]) => runCli(args, { home, dagsFolder });

/** The one-line error contract of DESIGN.md §6. */
function expectOneLineError(r: CliResult, mentions: RegExp): void {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  expect(r.stderrLines, r.stderr).toHaveLength(1);
  expect(r.stderrLines[0]).toMatch(/^flashflow: /);
  expect(r.stderrLines[0]).toMatch(mentions);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

interface DagListJson {
  dags: Array<{ dag_id: string; fileloc: string; schedule: string | null; is_paused: boolean }>;
  import_errors: Array<{ filename: string; stacktrace: string }>;
}

async function listJson(): Promise<DagListJson> {
  const r = await cli('dags', 'list', '--output', 'json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DagListJson;
}

beforeAll(async () => {
  home = await makeHome();
});
afterAll(removeTempDirs);

describe('flashflow dags list', () => {
  it('lists the good DAGs and one import error per broken file, each naming its problem', async () => {
    const r = await cli('dags', 'list');
    expect(r.code, r.stderr).toBe(0);
    const [header, rule, ...rest] = r.stdout.split('\n');
    expect(header).toMatch(/^dag_id\s+\| schedule\s+\| is_paused\s+\| fileloc$/);
    expect(rule).toMatch(/^-+(-\+-+)+$/);
    const rows = rest.filter((l) => /^cli_/.test(l));
    expect(rows.map((l) => l.split('|')[0]!.trim())).toEqual(['cli_failing', 'cli_good']);
    expect(rows[1]).toContain(path.join(dagsFolder, 'good.ts'));

    expect(r.stdout).toContain('3 import error(s):');
    const errorFor = (file: string) => r.stdout.split('\n- ').find((block) => block.startsWith(path.join(dagsFolder, file)));
    expect(errorFor('cycle.ts')).toMatch(/cli_cycle: cycle detected: a → b → c → a/);
    expect(errorFor('throws_at_import.ts')).toMatch(/Error: missing setting FIXTURE_API_KEY/);
    expect(errorFor('bad_cron.ts')).toMatch(/cli_bad_cron: schedule: invalid cron expression '61 \* \* \* \*'/);
  });

  it('prints parseable JSON with --output json', async () => {
    const list = await listJson();
    expect(list.dags.map((d) => d.dag_id)).toEqual(['cli_failing', 'cli_good']);
    expect(list.dags.find((d) => d.dag_id === 'cli_good')).toMatchObject({
      fileloc: path.join(dagsFolder, 'good.ts'),
      schedule: null,
      is_paused: false,
    });
    expect(list.import_errors.map((e) => path.basename(e.filename))).toEqual(['bad_cron.ts', 'cycle.ts', 'throws_at_import.ts']);
    for (const e of list.import_errors) expect(e.stacktrace.length).toBeGreaterThan(10);
  });

  it('refuses an unknown --output format instead of silently printing a table', async () => {
    const r = await cli('dags', 'list', '--output', 'yaml');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/yaml/);
    expect(r.stderr).toMatch(/json/);
  });
});

describe('flashflow dags trigger', () => {
  it('creates a queued run and says which', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--conf', '{"count": 3}', '--run-id', 'cli_run_1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('created DAG run cli_run_1 of cli_good (queued)');
  });

  it('refuses a run id that already exists, in one line', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--run-id', 'cli_run_1');
    expectOneLineError(r, /DAG run 'cli_run_1' already exists/);
  });

  it('refuses --conf that is not JSON, in one line that names the option', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--conf', '{count: 3');
    expectOneLineError(r, /--conf.*JSON/);
  });

  it('refuses --conf that is JSON but not an object', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--conf', '[1, 2]');
    expectOneLineError(r, /--conf must be a JSON object/);
  });

  it('refuses conf that breaks the DAG params, naming the field', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--conf', '{"count": 0}');
    expectOneLineError(r, /params of DAG 'cli_good'.*conf\.count/);
  });

  it('refuses an unknown DAG id', async () => {
    const r = await cliProcess('dags', 'trigger', 'no_such_dag');
    expectOneLineError(r, /DAG 'no_such_dag' not found/);
  });

  it('refuses a logical date that is not a date', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--logical-date', 'next tuesday');
    expectOneLineError(r, /logical_date/);
  });
});

describe('flashflow dags pause / unpause', () => {
  it('pauses a DAG (dags list shows it, dags test refuses it with a hint) and unpauses it', async () => {
    const paused = await cli('dags', 'pause', 'cli_good');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout.trim()).toBe('DAG cli_good is paused');
    expect((await listJson()).dags.find((d) => d.dag_id === 'cli_good')?.is_paused).toBe(true);
    const refused = await cli('dags', 'test', 'cli_good');

    const unpaused = await cli('dags', 'unpause', 'cli_good');
    expect(unpaused.code, unpaused.stderr).toBe(0);
    expect(unpaused.stdout.trim()).toBe('DAG cli_good is unpaused');
    // The next test runs cli_good with `dags test`, which only an unpaused DAG allows.
    expectOneLineError(refused, /paused.*flashflow dags unpause cli_good/);
  });
});

describe('flashflow dags test', () => {
  it('runs a succeeding DAG to the end, printing task states and logs, and exits 0', async () => {
    const r = await cli('dags', 'test', 'cli_good', '--conf', '{"name": "Amélie"}');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('greet: running');
    expect(lines).toContain('greet: success');
    expect(lines).toContain('shout: success');
    expect(lines.indexOf('greet: success')).toBeLessThan(lines.indexOf('shout: success'));
    expect(r.stdout).toMatch(/^ {2}greet \| .*hello Amélie, 2 times$/m);
    expect(r.stdout).toMatch(/^ {2}shout \| .*shouting hello Amélie$/m);
    expect(lines.filter(Boolean).at(-1)).toMatch(/^DAG run manual__\S+: success$/);
  });

  it('exits non-zero for a failing DAG and shows the failure, its error and its log', async () => {
    const r = await cli('dags', 'test', 'cli_failing');
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout).toMatch(/^explode: failed/m);
    expect(r.stdout).toMatch(/explode \| .*about to explode/);
    expect(r.stdout).toMatch(/the fixture task failed on purpose/);
    expect(r.stdout.split('\n').filter(Boolean).at(-1)).toMatch(/^DAG run manual__\S+: failed/);
  });
});

describe('a DAG folder outside the project', () => {
  it("imports the SDK as 'flashflow' and runs typed inputs and a mapped task in the runners", async () => {
    const folder = await makeDagFolder();
    writeDagFile(folder, 'outside.ts', [
      "import { dag, z } from 'flashflow';",
      "export const d = dag({ dagId: 'outside', schedule: null, params: z.object({ n: z.number().int().default(3) }) });",
      "const numbers = d.task('numbers', ({ params }) => Array.from({ length: params.n }, (_, i) => i + 1));",
      "const squares = d.task('squares', { expand: numbers }, ({ item }) => item * item);",
      "d.task('total', { inputs: { squares } }, ({ inputs, log }) => {",
      "  const total = inputs.squares.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);",
      '  log.info(`total ${total}`);',
      '  return total;',
      '});',
      '',
    ].join('\n'));
    const outsideHome = await makeHome();
    const r = await runCli(['dags', 'test', 'outside', '--conf', '{"n": 4}'], { home: outsideHome, dagsFolder: folder });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}total \| .*total 30$/m);
    expect(r.stdout.split('\n').filter(Boolean).at(-1)).toMatch(/^DAG run manual__\S+: success$/);
  });
});
