#!/usr/bin/env node
// `npm test`: the whole suite from a fresh clone — generated client, type check, lint, web build for the
// HTTP tests, then every vitest file — ending with one plain "N passed, N failed" line.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n== ${title}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env } });
  process.stdout.write(`== ${title}: ${r.status === 0 ? 'ok' : `failed (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return r.status === 0;
}

if (!existsSync(path.join(root, 'node_modules'))) {
  process.stderr.write('node_modules is missing: run `npm ci` first (the README quick start does).\n');
  process.exit(1);
}
if (!existsSync(path.join(root, 'lib/store/generated/prisma/client.ts')) && !step('prisma generate', bin('prisma'), ['generate'])) process.exit(1);

// Debian packages some tests need: the browser tests drive the system Chromium (no browser download: it fails
// offline and in CI), and the PostgreSQL, Redis, MariaDB and RabbitMQ tests start their own servers from Debian's
// binaries (tests/support/*-server.ts; the clusters and services the packages may set up are never used).
const CHROMIUM = process.env.FLASHFLOW_CHROMIUM ?? '/usr/bin/chromium';
const REDIS_SERVER = '/usr/bin/redis-server';
const MARIADB_SERVER = '/usr/sbin/mariadbd';
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const hasPostgres = () => {
  try {
    return readdirSync('/usr/lib/postgresql').some((version) => existsSync(`/usr/lib/postgresql/${version}/bin/postgres`));
  } catch {
    return false;
  }
};
const missing = () =>
  [
    !existsSync(CHROMIUM) && 'chromium',
    !hasPostgres() && 'postgresql',
    !existsSync(REDIS_SERVER) && 'redis-server',
    !existsSync(MARIADB_SERVER) && 'mariadb-server',
    !existsSync(RABBITMQ_SERVER) && 'rabbitmq-server',
    // The HTTP hook's redirect tests make a self-signed certificate with it.
    !existsSync('/usr/bin/openssl') && 'openssl',
  ].filter(Boolean);
if (missing().length > 0) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!asRoot || !existsSync('/usr/bin/apt-get')) {
    process.stderr.write(
      `Some tests need Debian packages that are missing: ${missing().join(', ')} (all needed: chromium, postgresql, redis-server, mariadb-server, rabbitmq-server, openssl).\n` +
        `Install them (Debian: sudo apt-get install --no-install-recommends ${missing().join(' ')}), ` +
        `or run npm test as root to have it done; FLASHFLOW_CHROMIUM may point at another Chromium than ${CHROMIUM}.\n`,
    );
    process.exit(1);
  }
  const apt = (args) => step(`apt-get ${args.join(' ')}`, 'apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
  if (!apt(['update'])) process.exit(1);
  // Judged by the files, not apt's status: the postinst scripts of the server packages may fail where they
  // cannot start their default cluster or service (a container without an init system), which are of no use to us.
  apt(['install', '-y', '--no-install-recommends', ...missing()]);
  if (missing().length > 0) {
    const wanted = {
      chromium: CHROMIUM,
      postgresql: '/usr/lib/postgresql/<version>/bin/postgres',
      'redis-server': REDIS_SERVER,
      'mariadb-server': MARIADB_SERVER,
      'rabbitmq-server': RABBITMQ_SERVER,
    };
    process.stderr.write(`Still missing after apt-get install: ${missing().map((name) => `${name} (${wanted[name]})`).join(', ')}.\n`);
    process.exit(1);
  }
}

/** Like step(), without waiting: its output is kept and printed whole when it ends, so two never interleave. */
function backgroundStep(title, cmd, args) {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      process.stdout.write(`\n== ${title}\n${Buffer.concat(output).toString()}`);
      process.stdout.write(`== ${title}: ${code === 0 ? 'ok' : `failed (exit ${code ?? signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      resolve(code === 0);
    });
  });
}

// The type check and lint are single-threaded: side by side they use both cores of a small machine.
const checks = [
  ...(await Promise.all([backgroundStep('typecheck', bin('tsc'), ['--noEmit', '-p', '.']), backgroundStep('lint', 'npm', ['run', '--silent', 'lint'])])),
  step('web build', bin('next'), ['build']),
];

const reportDir = mkdtempSync(path.join(os.tmpdir(), 'ff-test-'));
const reportFile = path.join(reportDir, 'vitest.json');
// One PostgreSQL and one Redis server for the whole run (tests/support/shared-servers.ts), not one per file.
const testsOk = step('tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`], {
  FLASHFLOW_TEST_SHARED_SERVERS: '1',
});

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
}
rmSync(reportDir, { recursive: true, force: true });
const failedChecks = checks.filter((ok) => !ok).length;
if (!testsOk && failed === 0) failed = 1;
process.stdout.write(`\n${passed} passed, ${failed + failedChecks} failed, ${skipped} skipped\n`);
process.exit(testsOk && failedChecks === 0 ? 0 : 1);
