// `flashflow connections …` and `flashflow variables …` as a person types them: first with no server (the CLI
// opens the embedded database), then beside a running engine (through its control socket), one home throughout.
// No output, error or warning may carry a secret. The commands run in this process, one at a time; one runs as a
// process of its own beside the server, as a user's does.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlashflowProcess, fixturePath, freePort, makeHome, makeTempDir, REPO_ROOT, removeTempDirs, runCli, runCliInProcess, type CliResult } from '../support/cli-harness';
import { startHttpSink, type HttpSink } from '../support/http-sink';

const dagsFolder = fixturePath('dags-cli');
const ENGINE = path.join(REPO_ROOT, 'tests', 'support', 'engine-process.ts');
const SECRETS = ['pg-password-1', 'api-key-2', 'web-password-3', 'uri-password-4', 'env-password-5'];
let home: string;
let files: string;
let sink: HttpSink;
let engine: FlashflowProcess | null = null;
const cli = (args: string[], env?: Record<string, string>) => runCliInProcess(args, { home, dagsFolder, env, timeoutMs: 90_000 });

function expectNoSecret(...results: CliResult[]): void {
  for (const r of results) for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
}

beforeAll(async () => {
  [home, files, sink] = await Promise.all([makeHome(), makeTempDir('vars'), startHttpSink()]);
});
afterAll(async () => {
  engine?.killGroup();
  await sink?.close();
  await removeTempDirs();
});

describe('flashflow connections and variables', () => {
  it('add with no server running', async () => {
    const added = await cli(['connections', 'add', 'pg', '--conn-uri', `postgresql://etl:${SECRETS[0]}@db.example.com:5432/analytics?sslmode=require&api_key=${SECRETS[1]}`, '--conn-description', 'warehouse']);
    expect(added.stdout.trim()).toBe('Successfully added `conn_id`=pg (postgres)');
    const set = await cli(['variables', 'set', 'deck_name', 'Amélie', '--description', 'the deck']);
    expect(set.stdout.trim()).toBe('Variable deck_name created');
    expectNoSecret(added, set);
  }, 240_000);

  it('reads, refuses bad input in one line and tests connections through the running server', async () => {
    engine = new FlashflowProcess(['--import', 'tsx', ENGINE], {
      home, dagsFolder,
      env: {
        FLASHFLOW_VAR_PINNED: 'from-env',
        FLASHFLOW_CONN_FROM_ENV: `http://bot:${SECRETS[4]}@env.example.com`,
        FLASHFLOW_CONN_DOWN: `http://127.0.0.1:${await freePort()}`,
      },
    });
    await engine.waitFor(/"event":"ready"/, 120_000);
    const importFile = path.join(files, 'in.json');
    await writeFile(importFile, JSON.stringify({ deck_name: 'replaced?', cfg: { level: 2 }, '': 'no key', described: { value: 'v', description: 'd' } }));

    const [web, unknown, dup, pg, imported, pinned, absent, fromEnv] = await Promise.all([
      cli(['connections', 'add', 'web', '--conn-type', 'http', '--conn-host', '127.0.0.1', '--conn-port', new URL(sink.url).port, '--conn-schema', 'status', '--conn-login', 'bot', '--conn-password', SECRETS[2]!]),
      cli(['connections', 'add', 'snow', '--conn-type', 'snowflake']),
      runCli(['connections', 'add', 'pg', '--conn-type', 'http'], { home, dagsFolder, timeoutMs: 90_000 }),
      cli(['connections', 'get', 'pg', '-o', 'json']),
      cli(['variables', 'import', importFile, '-a', 'skip']),
      cli(['variables', 'get', 'pinned']),
      cli(['variables', 'get', 'nope']),
      cli(['connections', 'get', 'from_env', '-o', 'yaml']),
    ]);
    expect(web.stdout.trim()).toBe('Successfully added `conn_id`=web (http)');
    expect(unknown.stdout.trim()).toBe('Successfully added `conn_id`=snow (snowflake)');
    expect(unknown.stderrLines[0]).toMatch(/^flashflow: warning: connection type 'snowflake' is not one Flashflow knows \(http, postgres, /);
    expect([dup, absent].map((r) => [r.code, r.stderrLines])).toEqual([
      [1, ["flashflow: connection 'pg' already exists"]],
      [1, ["flashflow: variable 'nope' does not exist"]],
    ]);
    expect(JSON.parse(pg.stdout)).toEqual([{
      conn_id: 'pg', conn_type: 'postgres', description: 'warehouse', host: 'db.example.com', schema: 'analytics', login: 'etl',
      password: '***', port: 5432, extra: '{"sslmode":"require","api_key":"***"}',
    }]);
    expect(imported.stdout.trim()).toBe('2 of 4 variables successfully updated. 1 skipped (they exist).');
    expect(imported.stderrLines).toEqual(["flashflow: variable '': key: must not be empty", 'flashflow: 1 variable(s) failed to be updated.']);
    expect(imported.code).toBe(1);
    expect(pinned.stdout).toBe('from-env\n');
    expect(fromEnv.stdout).toContain('- conn_id: "from_env"\n  conn_type: "http"');
    expect(fromEnv.stdout).toContain('password: "***"');

    const [ok, refused, list, exported, vars, cfg] = await Promise.all([
      cli(['connections', 'test', 'web']),
      cli(['connections', 'test', 'down']),
      cli(['connections', 'list', '-o', 'plain']),
      cli(['variables', 'export', path.join(files, 'out.json')]),
      cli(['variables', 'list', '-o', 'json']),
      cli(['variables', 'get', 'cfg', '-j']),
    ]);
    expect(ok.stdout).toMatch(/^Connection successfully tested: GET http:\/\/127\.0\.0\.1:\d+\/status answered 200/);
    expect(sink.requests.find((r) => r.path === '/status')?.headers.authorization).toBe(`Basic ${Buffer.from(`bot:${SECRETS[2]}`).toString('base64')}`);
    expect(refused.code).toBe(1);
    expect(refused.stderrLines[0]).toMatch(/^flashflow: connection down failed: .*ECONNREFUSED/);
    expect(list.stdout.split('\n')[0]).toMatch(/^conn_id +conn_type +description +host/);
    expect(list.stdout).toMatch(/^web +http +127\.0\.0\.1 +status +bot +\*\*\* +\d+$/m);
    // The table's variables only: FLASHFLOW_VAR_PINNED belongs to the deployment, not to an export.
    expect(exported.stdout.trim()).toBe(`3 variables successfully exported to ${path.join(files, 'out.json')}`);
    expect(JSON.parse(await readFile(path.join(files, 'out.json'), 'utf8'))).toStrictEqual({ cfg: { level: 2 }, deck_name: 'Amélie', described: 'v' });
    expect(JSON.parse(vars.stdout)).toEqual([{ key: 'cfg', description: null }, { key: 'deck_name', description: 'the deck' }, { key: 'described', description: 'd' }]);
    expect(cfg.stdout).toBe('{\n  "level": 2\n}\n');

    const [deleted, deletedVar, deletedAgain] = await Promise.all([
      cli(['connections', 'delete', 'snow']),
      cli(['variables', 'delete', 'described']),
      cli(['connections', 'delete', 'nope']),
    ]);
    expect([deleted.stdout.trim(), deletedVar.stdout.trim(), deletedAgain.stderr.trim()]).toEqual([
      'Successfully deleted connection with `conn_id`=snow', 'Variable described deleted', "flashflow: connection 'nope' not found",
    ]);
    expectNoSecret(web, unknown, dup, pg, fromEnv, ok, refused, list);
  }, 300_000);
});
