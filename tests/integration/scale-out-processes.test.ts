// Scale-out on a real PostgreSQL server: `flashflow webserver` and `flashflow scheduler` as separate processes
// (real HTTP, real CLI), notifications between them, and a standby scheduler taking over from a killed one.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, ensureTestBuild } from '../api/support/api-server';
import { FLASHFLOW_BIN, FlashflowProcess, fixturePath, freePort, makeHome, removeTempDirs, runCli, waitUntil } from '../support/cli-harness';
import type { PostgresServer } from '../support/postgres-server';
import { postgresForFile } from '../support/shared-servers';

const DAGS = fixturePath('dags-cli');
// A minute between polls: a run that starts within seconds was started by a notification, not by the poll.
const SLOW_POLL = { FLASHFLOW_POLL_INTERVAL_MS: '60000' };

let server: PostgresServer;
let env: Record<string, string>;
let home: string;
const processes: FlashflowProcess[] = [];

function start(command: 'webserver' | 'scheduler', extra: Record<string, string> = {}): FlashflowProcess {
  const p = new FlashflowProcess([FLASHFLOW_BIN, command], { home, dagsFolder: DAGS, env: { ...env, ...extra } });
  processes.push(p);
  return p;
}

async function stop(p: FlashflowProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  process.kill(p.pid, 'SIGTERM');
  await p.waitForExit(20_000).catch(() => p.killGroup());
}

beforeAll(async () => {
  [server] = await Promise.all([postgresForFile(), ensureTestBuild()]);
  env = { DATABASE_URL: await server.createDatabase(), FLASHFLOW_SECRET_KEY: randomBytes(32).toString('base64') };
  home = await makeHome({ seeded: false });
}, 240_000);

afterAll(async () => {
  for (const p of processes) p.killGroup();
  await server?.stop();
  await removeTempDirs();
});

describe('webserver and scheduler as separate processes on PostgreSQL', () => {
  let web: { url: string; auth: Record<string, string> };
  let active: FlashflowProcess;

  it('refuse to start on the embedded database, naming what to set', async () => {
    for (const command of ['webserver', 'scheduler']) {
      const r = await runCli([command], { home, dagsFolder: DAGS, env: { FLASHFLOW_SECRET_KEY: env.FLASHFLOW_SECRET_KEY! } });
      expect(r.code).toBe(1);
      expect(r.stderrLines).toEqual([expect.stringMatching(new RegExp(`^flashflow: \`flashflow ${command}\` .*needs PostgreSQL: set DATABASE_URL`))]);
    }
  });

  it('a run triggered through the webserver API is run by the scheduler at once, woken by a notification', async () => {
    active = start('scheduler', { ...SLOW_POLL, FLASHFLOW_SCHEDULER_HEALTH_PORT: String(await freePort()) });
    await active.waitFor(/scheduler is active \(/, 60_000);
    const [, healthUrl = ''] = await active.waitFor(/scheduler health and metrics at (http:\/\/[\d.:]+)\/health/, 1_000);
    expect(await (await fetch(`${healthUrl}/health`)).json()).toMatchObject({ status: 'healthy', latest_scheduler_heartbeat: expect.any(String) });
    const port = await freePort();
    const webProcess = start('webserver', { PORT: String(port) });
    const [, url = ''] = await webProcess.waitFor(/webserver is running at (http:\/\/[\d.:]+)/, 60_000);
    const [, password = ''] = await webProcess.waitFor(/sign in as 'admin' with password (\S+)/, 1_000);
    web = { url, auth: basicAuth('admin', password) };

    const health = await (await fetch(`${url}/api/v1/health`)).json();
    expect(health).toMatchObject({ metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy' } });

    const trigger = await fetch(`${url}/api/v1/dags/cli_good/dagRuns`, {
      method: 'POST',
      headers: { ...web.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ dag_run_id: 'via_web', conf: { name: 'scale' } }),
    });
    expect(trigger.status).toBe(200);
    await waitUntil(async () => {
      const run = await (await fetch(`${url}/api/v1/dags/cli_good/dagRuns/via_web`, { headers: web.auth })).json();
      return run.state === 'success' ? run : null;
    }, 'the run to succeed', 20_000, 100);
    const log = await (await fetch(`${url}/api/v1/dags/cli_good/dagRuns/via_web/taskInstances/greet/logs/1`, { headers: { ...web.auth, accept: 'text/plain' } })).text();
    expect(log).toContain('hello scale, 2 times');
    // The figures only the scheduler process has.
    const metrics = await (await fetch(`${healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/^flashflow_scheduler_tasks_queued_total [1-9]/m);
  }, 120_000); // two processes start here, each waited for up to 60 s on a busy machine

  it('a run triggered by the CLI on the same database is run at once too', async () => {
    const r = await runCli(['dags', 'trigger', 'cli_good', '--run-id', 'via_cli'], { home, dagsFolder: DAGS, env });
    expect(r.stderr).toBe('');
    await waitUntil(async () => {
      const run = await (await fetch(`${web.url}/api/v1/dags/cli_good/dagRuns/via_cli`, { headers: web.auth })).json();
      return run.state === 'success' ? run : null;
    }, 'the CLI run to succeed', 20_000, 100);
  });

  it('a second scheduler waits as a standby and takes over when the active one is killed', async () => {
    const standbyHealth = await freePort();
    const standby = start('scheduler', { ...SLOW_POLL, FLASHFLOW_SCHEDULER_HEALTH_PORT: String(standbyHealth) });
    await standby.waitFor(/waiting as its standby/, 60_000);
    expect(await (await fetch(`http://127.0.0.1:${standbyHealth}/health`)).json()).toEqual({ status: 'standby', latest_scheduler_heartbeat: null });
    expect((await fetch(`http://127.0.0.1:${standbyHealth}/metrics`)).status).toBe(503);
    active.killGroup();
    await active.exited;
    await standby.waitFor(/scheduler is active \(/, 30_000);
    const trigger = await fetch(`${web.url}/api/v1/dags/cli_good/dagRuns`, {
      method: 'POST',
      headers: { ...web.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ dag_run_id: 'after_failover' }),
    });
    expect(trigger.status).toBe(200);
    await waitUntil(async () => {
      const run = await (await fetch(`${web.url}/api/v1/dags/cli_good/dagRuns/after_failover`, { headers: web.auth })).json();
      return run.state === 'success' ? run : null;
    }, 'the run to succeed on the new active scheduler', 20_000, 100);
    await stop(standby);
    for (const p of processes) await stop(p);
  });
});
