// The `flashflow` command line. Errors are one clear line on stderr and a non-zero exit code.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { ZodError } from 'zod';
import { InvalidInputError } from '../kernel/errors';
import { formatZodIssues } from '../kernel/zod-issues';
import { loadConfig, type FlashflowConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { openMigratedDatabase } from '../runtime/open-migrated-database';
import { versionInfo } from '../ops/version';
import { APP_ROOT } from './app-root';
import { runWhereTheDatabaseIs } from './db-session';
import { printDagList, printJson } from './output';
import { addAccountCommands } from './account-program';
import { addConnectionCommands } from './connections-program';
import { addVariableCommands } from './variables-program';
import { addDbCleanCommand } from './db-clean-program';
import { parseConcurrencyFlag, parseQueuesFlag } from './worker-flags';
import { DEFAULT_QUEUE } from '../engine/task-queue';
import { DEMO_FTP, DEMO_MODEL } from '../connections/default-connections';

/** Where a command writes: the process's own streams, or (a test running commands in its process) buffers. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Structured logs (readable on a terminal). */
  logStream: NodeJS.WriteStream;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  logStream: process.stderr,
};

/** A bad --conf is bad input, not bad usage: it fails as one `flashflow:` line, without the usage hint. */
function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidInputError(`--conf is not valid JSON (${(err as Error).message}); write e.g. '{"deck_name": "Amélie"}'`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidInputError('--conf must be a JSON object');
  return parsed as Record<string, unknown>;
}

function parseIntArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer`);
  return n;
}

function parseShareArg(value: string): number {
  const n = parseNumberArg(value);
  if (n > 1) throw new InvalidArgumentError(`'${value}' is not a share between 0 and 1`);
  return n;
}

function parseNumberArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a number ≥ 0`);
  return n;
}

// The long-running commands, tasks test and the demo server are imported when run: each pulls in much of the app
// (the web server, the executors, the scheduler), and the one-shot commands would pay for it at every start.
export function buildProgram(config: () => FlashflowConfig, io: CliIo = processIo): Command {
  const out = (line: string) => io.stdout(`${line}\n`);
  const warn = (line: string) => io.stderr(`${line}\n`);
  const log = (c: FlashflowConfig) => createLogger(c.logLevel, io.logStream);
  const viaDb = (command: string, args: Record<string, unknown>) => {
    const c = config();
    return runWhereTheDatabaseIs(c, command, args, out, log(c));
  };
  const viaDbWithoutDags = (command: string, args: Record<string, unknown>) => {
    const c = config();
    return runWhereTheDatabaseIs(c, command, args, out, log(c), { syncDags: false });
  };
  const program = new Command('flashflow')
    .description('Flashflow: an Airflow-style workflow engine with an LLM flashcard workflow')
    .version(versionInfo(APP_ROOT).version)
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors too start with `flashflow:`; subcommands copy this when created, so it comes first.
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`flashflow: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();

  program.command('standalone').description('run the engine and the web app in one process (what `npm start` runs)')
    .option('--dev', 'run the web app in development mode (hot reload)', false)
    .action(async (o: { dev: boolean }) => {
      const c = config();
      await (await import('./standalone')).standalone(c, { dev: o.dev }, log(c));
    });

  program.command('webserver').description('run the web app and the REST API only, beside `flashflow scheduler` (needs DATABASE_URL)')
    .option('--dev', 'run the web app in development mode (hot reload)', false)
    .action(async (o: { dev: boolean }) => {
      const c = config();
      await (await import('./webserver-command')).webserverCommand(c, { dev: o.dev }, log(c));
    });

  program.command('scheduler').description('run the engine only (scheduler, executor, DAG processor), beside `flashflow webserver` (needs DATABASE_URL)')
    .action(async () => {
      const c = config();
      await (await import('./scheduler-command')).schedulerCommand(c, log(c));
    });

  program.command('worker').description('run the tries a FLASHFLOW_EXECUTOR=bullmq scheduler queues (needs REDIS_URL)')
    .option('-q, --queues <names>', 'comma-separated task queues to take tries from', parseQueuesFlag, [DEFAULT_QUEUE])
    .option('-c, --concurrency <n>', 'tries each runner process runs at once (default FLASHFLOW_WORKER_CONCURRENCY)', parseConcurrencyFlag)
    .action(async (o: { queues: string[]; concurrency?: number }) => {
      const c = config();
      await (await import('./worker-command')).workerCommand(c, o, log(c));
    });

  const db = program.command('db').description('database commands');
  db.command('migrate').description('apply pending migrations').action(async () => {
    const handle = await openMigratedDatabase(config());
    await handle.close();
    out('database is up to date');
  });
  addDbCleanCommand(db, viaDbWithoutDags, out);

  const dags = program.command('dags').description('DAG commands');
  dags.command('list').description('list DAGs and import errors')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { output: string }) => {
      const result = (await viaDb('dags.list', {})) as Parameters<typeof printDagList>[0];
      if (o.output === 'json') printJson(result, out);
      else printDagList(result, out);
    });
  dags.command('trigger <dag_id>').description('create a DAG run; the scheduler runs it')
    .option('-c, --conf <json>', 'run configuration (JSON object), validated against the DAG params', parseJsonObject)
    .option('-r, --run-id <id>', 'run id (default manual__<logical date>)')
    .option('-l, --logical-date <iso>', 'logical date (default now)')
    .action(async (dagId: string, o: { conf?: Record<string, unknown>; runId?: string; logicalDate?: string }) => {
      const r = (await viaDb('dags.trigger', { dag_id: dagId, conf: o.conf, run_id: o.runId, logical_date: o.logicalDate })) as { dag_run_id: string };
      out(`created DAG run ${r.dag_run_id} of ${dagId} (queued)`);
    });
  for (const [name, paused] of [['pause', true], ['unpause', false]] as const) {
    dags.command(`${name} <dag_id>`).description(`${name} a DAG`).action(async (dagId: string) => {
      await viaDb(`dags.${name}`, { dag_id: dagId });
      out(`DAG ${dagId} is ${paused ? 'paused' : 'unpaused'}`);
    });
  }
  dags.command('test <dag_id>').description('run the DAG once to completion, printing task states and logs')
    .option('-c, --conf <json>', 'run configuration (JSON object)', parseJsonObject)
    .action(async (dagId: string, o: { conf?: Record<string, unknown> }) => {
      const r = (await viaDb('dags.test', { dag_id: dagId, conf: o.conf })) as { state: string; dag_run_id: string; failure_reason: string | null };
      out(`DAG run ${r.dag_run_id}: ${r.state}${r.failure_reason ? ` (${r.failure_reason})` : ''}`);
      if (r.state !== 'success') process.exitCode = 1;
    });

  const tasks = program.command('tasks').description('task commands');
  tasks.command('test <dag_id> <task_id>').description('run one task once without recording state')
    .option('-c, --conf <json>', 'run configuration (JSON object)', parseJsonObject)
    .option('-m, --map-index <n>', 'map index', parseIntArg, -1)
    .action(async (dagId: string, taskId: string, o: { conf?: Record<string, unknown>; mapIndex: number }) => {
      const { tasksTest } = await import('./tasks-test');
      const r = await tasksTest(config(), { dagId, taskId, conf: o.conf ?? {}, mapIndex: o.mapIndex }, out);
      out(`task ${taskId}: ${r.state}${r.error ? ` (${r.error})` : ''}${r.state === 'success' ? ` → ${JSON.stringify(r.xcom)}` : ''}`);
      if (r.state === 'failed') process.exitCode = 1;
    });

  addAccountCommands(program, viaDbWithoutDags, out);
  addConnectionCommands(program, viaDbWithoutDags, { out, warn, testingEnabled: () => config().testConnection, viaDbAfterParsing: viaDb });
  addVariableCommands(program, viaDbWithoutDags, { out, warn });

  const demo = program.command('demo').description('servers the example DAGs read from');
  demo.command('ftp').description(`serve the Iris demo files over FTP on 127.0.0.1 (what connection ftp_default points to)`)
    .option('-p, --port <n>', 'port', parseIntArg, DEMO_FTP.port)
    .action(async (o: { port: number }) => {
      await (await import('./demo-ftp-command')).demoFtpCommand(config(), { port: o.port }, out);
    });
  demo.command('model-server').description('serve the demo classification model catalog_request calls, on 127.0.0.1 (what connection model_default points to)')
    .option('-p, --port <n>', 'port', parseIntArg, DEMO_MODEL.port)
    .option('--host <address>', 'address to listen on (0.0.0.0 in a container)', DEMO_MODEL.host)
    .option('--latency-ms <ms>', 'wait per call (idle)', parseNumberArg, 20)
    .option('--jitter-ms <ms>', 'up to this much more wait, at random', parseNumberArg, 0)
    .option('--cpu-ms <ms>', 'CPU burnt per call (busy; calls queue behind it)', parseNumberArg, 2)
    .option('--error-rate <share>', 'share of calls answered 503, 0..1', parseShareArg, 0)
    .action(async (o: { port: number; host: string; latencyMs: number; jitterMs: number; cpuMs: number; errorRate: number }) => {
      await (await import('./demo-model-command')).demoModelCommand(config(), o, out);
    });

  program.command('info').description('show the configuration in effect').action(() => {
    const c = config();
    const v = versionInfo(APP_ROOT);
    printJson({
      version: v.version, git_version: v.git_version, node: process.version, home: c.home,
      database: c.databaseUrl ? 'postgresql (DATABASE_URL)' : `pglite at ${path.join(c.home, 'db')}`,
      dags_folder: c.dagsFolder, plugins_folders: c.pluginFolders, executor: c.executor, redis: c.redisUrl ? 'REDIS_URL' : null, api_url: c.apiUrl, url: `http://${c.host}:${c.port}`,
      llm: { base_url: c.llm.baseUrl ?? '(OpenAI default)', api_key: c.llm.apiKey ? '***' : null, model: c.llm.model },
    }, out);
  });
  return program;
}

/**
 * Runs one command line (argv as in process.argv). A failure is one `flashflow:` line on stderr and process.exitCode,
 * as the commands themselves signal failure. Resolves to whether an error (not bad usage) ended the command.
 */
export async function runFlashflow(argv: string[], config: () => FlashflowConfig, io: CliIo = processIo): Promise<{ failed: boolean }> {
  const program = buildProgram(config, io);
  try {
    await program.parseAsync(argv);
    return { failed: false };
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return { failed: false };
    }
    const message = err instanceof ZodError ? formatZodIssues(err) : (err as Error).message;
    io.stderr(`flashflow: ${message}\n`);
    process.exitCode = 1;
    return { failed: true };
  }
}

export async function main(argv: string[]): Promise<void> {
  let cached: FlashflowConfig | null = null;
  const { failed } = await runFlashflow(argv, () => (cached ??= loadConfig()));
  // A long-running command that failed half-started may hold connections open; it must still exit, so that a
  // supervisor restarts it (and a standby scheduler is not kept out by a zombie).
  if (failed) setTimeout(() => process.exit(1), 2_000).unref();
}
