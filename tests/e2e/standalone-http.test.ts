// `flashflow standalone` as `npm start` runs it: one real process with the engine, the Next app and the control
// socket, on a temp home and a free port. While it runs, CLI commands go through its control socket.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIsStale, runNextBuild } from '../../lib/runtime/ensure-build';
import { FLASHFLOW_BIN, FlashflowProcess, fixturePath, freePort, makeHome, REPO_ROOT, removeTempDirs, runCli } from '../support/cli-harness';

const dagsFolder = fixturePath('dags-cli');
let home: string;
let server: FlashflowProcess;
let baseUrl: string;

beforeAll(async () => {
  // The standalone command would build by itself; building here keeps that minute out of the start-up wait.
  if (buildIsStale(REPO_ROOT)) await runNextBuild(REPO_ROOT);
  home = await makeHome();
  const port = await freePort();
  server = new FlashflowProcess([FLASHFLOW_BIN, 'standalone'], { home, dagsFolder, env: { PORT: String(port) } });
  const [, url] = await server.waitFor(/Flashflow is running at (http:\/\/[\d.:]+)/, 60_000);
  baseUrl = url!;
}, 300_000);

afterAll(async () => {
  server?.killGroup();
  await removeTempDirs();
});

const cli = (...args: string[]) => runCli(args, { home, dagsFolder });

describe('HTTP', () => {
  it('GET /api/v1/health answers in Airflow\'s shape with a healthy database and scheduler', async () => {
    const res = await fetch(`${baseUrl}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(body).sort()).toEqual(['dag_processor', 'metadatabase', 'scheduler', 'triggerer']);
    expect(body.metadatabase).toEqual({ status: 'healthy' });
    expect(body.scheduler!.status).toBe('healthy');
    const beat = new Date(String(body.scheduler!.latest_scheduler_heartbeat));
    expect(Math.abs(Date.now() - beat.getTime())).toBeLessThan(30_000);
  });

  it('GET /api/v1/version answers with the package version and the git commit', async () => {
    const res = await fetch(`${baseUrl}/api/v1/version`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; git_version: string | null };
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(Object.keys(body).sort()).toEqual(['git_version', 'version']);
    expect(body.version).toBe(pkg.version);
    expect(body.git_version === null || /^[0-9a-f]{7,40}$/.test(body.git_version)).toBe(true);
  });

  it('creates admin on first start: the password is printed once and kept in a file only its owner can read', async () => {
    const file = path.join(home, 'standalone_admin_password.txt');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(server.stdout + server.stderr).toContain(`with password ${password}`);
  });

  it('sends a browser without a session to the login page, with security headers', async () => {
    const res = await fetch(`${baseUrl}/dags?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/dags?x=1')}`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const login = await fetch(`${baseUrl}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Sign in to Flashflow');
  });

  it('the home page says that no LLM provider is configured and how to configure one', async () => {
    const password = readFileSync(path.join(home, 'standalone_admin_password.txt'), 'utf8').trim();
    const res = await fetch(baseUrl, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('No LLM provider is configured');
    expect(html).toContain('OPENAI_BASE_URL');
  });
});

describe('CLI while the server runs (control socket)', () => {
  it('holds the home: its pid in flashflow.pid and a control socket only its user can open', () => {
    expect(readFileSync(path.join(home, 'flashflow.pid'), 'utf8').split('\n')[0]).toBe(String(server.pid));
    const sock = statSync(path.join(home, 'control.sock'));
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
  });

  it('dags list works through the socket', async () => {
    const r = await cli('dags', 'list', '--output', 'json');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { dags: Array<{ dag_id: string }>; import_errors: unknown[] };
    expect(list.dags.map((d) => d.dag_id)).toEqual(['cli_failing', 'cli_good']);
    expect(list.import_errors).toHaveLength(3);
  });

  it('dags trigger works through the socket, and the server runs the run', async () => {
    const r = await cli('dags', 'trigger', 'cli_good', '--run-id', 'via_socket', '--conf', '{"count": 1}');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('created DAG run via_socket of cli_good (queued)');
    await server.waitFor(/dag run cli_good\/via_socket success/, 10_000);
  });

  it('errors travel back through the socket as one line', async () => {
    const r = await cli('dags', 'trigger', 'no_such_dag');
    expect(r.code).not.toBe(0);
    expect(r.stderrLines).toEqual(["flashflow: DAG 'no_such_dag' not found"]);
  });

  it('dags test streams task states through the socket', async () => {
    const r = await cli('dags', 'test', 'cli_good');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain('shout: success');
    expect(r.stdout).toMatch(/^ {2}greet \| .*hello world, 2 times$/m);
    expect(r.stdout).toMatch(/: success$/m);
  });

  it('a second standalone on the same home refuses to start', async () => {
    const port = await freePort();
    const r = await runCli(['standalone'], { home, dagsFolder, env: { PORT: String(port) }, timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderrLines.at(-1)).toMatch(/^flashflow: Flashflow is already running on .* \(pid \d+ on [^;]+; last heartbeat \d+ s ago/);
    expect(r.stderr).toContain(String(server.pid));
    // The first server is unharmed.
    expect((await fetch(`${baseUrl}/api/v1/health`)).status).toBe(200);
  });
});

describe('shutdown', () => {
  it('SIGTERM stops the process with exit code 0 within a few seconds and releases the home', async () => {
    process.kill(server.pid, 'SIGTERM');
    const { code, signal } = await server.waitForExit(8_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(home, 'flashflow.pid'))).toBe(false);
    expect(existsSync(path.join(home, 'control.sock'))).toBe(false);
    // And the home is usable by the next command.
    const r = await cli('dags', 'list');
    expect(r.code, r.stderr).toBe(0);
  });
});
