// How a TypeScript child process is forked: Node with tsx's ESM loader and structured-clone IPC.
// Shared by the LocalExecutor and the IPC benchmark so both measure the same thing.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutServerSecrets } from '../../secrets/task-environment';

/** Absolute path of tsx's loader (tsx/dist/loader.mjs), the `--import` that lets a child run `.ts`. */
export function tsxLoaderPath(): string {
  return createRequire(import.meta.url).resolve('tsx');
}

/** The `--import` that resolves `flashflow` to the SDK in a child that imports DAG files (lib/sdk). */
function sdkResolutionPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '../../sdk/register-resolution.mjs');
}

export function forkTypeScript(
  modulePath: string,
  opts: { args?: string[]; env?: Record<string, string | undefined>; nodeArgs?: string[] } = {},
): ChildProcess {
  return fork(modulePath, opts.args ?? [], {
    execArgv: ['--import', tsxLoaderPath(), '--import', sdkResolutionPath(), ...(opts.nodeArgs ?? [])],
    serialization: 'advanced',
    // Runners and the DAG parser run user code: the server's secrets stay behind whatever env a caller passes.
    // Next's global typing makes NODE_ENV a required key of ProcessEnv; an explicit env may lack it.
    env: withoutServerSecrets(opts.env ?? process.env) as NodeJS.ProcessEnv,
    // Piped, not inherited: the parent attributes and forwards what a child prints outside any try.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}
