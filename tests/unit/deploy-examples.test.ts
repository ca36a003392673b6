// The deployment examples are a promise too: every process the compose file and the systemd units start must be a
// `flashflow` command with flags it accepts, and every variable they set one Flashflow reads, with a value it takes.
// docs/deploy.md must list every variable there is.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../lib/cli/main';
import { configVariableNames, isConfigVariable, loadConfig } from '../../lib/runtime/config';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');

/** `${NAME:-default}` takes its default, `${NAME:?message}` a sample value: what the operator would pass. */
function substitute(value: string): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) =>
    kind === '-' ? (rest ?? '') : name === 'FLASHFLOW_SECRET_KEY' ? Buffer.alloc(32, 7).toString('base64') : 'sample',
  );
}

/** Parses `args` as the CLI would, without running the command; throws on an unknown command, flag or bad value. */
function checkCommand(args: string[]): void {
  let command: Command = buildProgram(() => loadConfig({}));
  let rest = [...args];
  for (;;) {
    const sub = command.commands.find((c) => c.name() === rest[0]);
    if (!sub) break;
    command = sub;
    rest = rest.slice(1);
  }
  expect(command.name(), `'${args.join(' ')}' names a flashflow command`).not.toBe('flashflow');
  command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const { operands, unknown } = command.parseOptions(rest);
  expect({ operands, unknown }, `flags of 'flashflow ${args.join(' ')}'`).toEqual({ operands: [], unknown: [] });
}

function checkEnvironment(where: string, env: Record<string, string>): void {
  expect(Object.keys(env).filter((name) => !isConfigVariable(name)), `variables Flashflow does not read in ${where}`).toEqual([]);
  expect(() => loadConfig(env, '/srv'), where).not.toThrow();
}

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
  };
  const flashflow = Object.entries(compose.services).filter(([, s]) => s.image === 'flashflow:latest');

  it('runs the webserver, schedulers, workers and the model server, besides PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['model', 'postgres', 'redis', 'scheduler', 'webserver', 'worker', 'worker-gpu']);
    expect(flashflow.map(([name]) => name).sort()).toEqual(['model', 'scheduler', 'webserver', 'worker', 'worker-gpu']);
  });

  it.each(flashflow.map(([name]) => name))('%s: a command, flags and variables flashflow accepts', (name) => {
    const service = compose.services[name]!;
    checkCommand(service.command!.map(substitute));
    checkEnvironment(`service ${name}`, Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(String(v))])));
  });

  it('keeps the database and the secret key away from workers', () => {
    for (const name of ['worker', 'worker-gpu']) {
      expect(Object.keys(compose.services[name]!.environment!)).not.toContain('DATABASE_URL');
      expect(Object.keys(compose.services[name]!.environment!)).not.toContain('FLASHFLOW_SECRET_KEY');
    }
  });
});

describe('deploy/systemd', () => {
  const dir = path.join(DEPLOY, 'systemd');
  const envFile = (file: string) =>
    Object.fromEntries(
      readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  const units = readdirSync(dir).filter((f) => f.endsWith('.service'));

  it.each(units)('%s: a command, flags and variables flashflow accepts', (unit) => {
    const text = readFileSync(path.join(dir, unit), 'utf8').replaceAll('%i', 'default');
    const exec = /^ExecStart=\S+ bin\/flashflow\.js (.+)$/m.exec(text);
    expect(exec, `${unit} starts bin/flashflow.js`).not.toBeNull();
    checkCommand(exec![1]!.split(/\s+/));
    // /etc/flashflow/worker.env is deploy/systemd/flashflow-worker.env, flashflow.env is itself.
    const [, file] = /^EnvironmentFile=\/etc\/flashflow\/(\S+)$/m.exec(text) ?? [];
    const env = {
      ...envFile(file === 'worker.env' ? 'flashflow-worker.env' : file!),
      ...Object.fromEntries([...text.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map(([, k, v]) => [k!, v!])),
    };
    checkEnvironment(unit, env);
  });
});

describe('docs/deploy.md', () => {
  it('lists every variable Flashflow reads', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
    expect(configVariableNames().filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});
