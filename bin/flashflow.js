#!/usr/bin/env node
// Entry of the `flashflow` command: loads TypeScript through tsx in this same process (no wrapper
// process, so signals and the single database owner stay simple), resolves `flashflow` to the SDK for DAG files,
// then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../lib/sdk/register-resolution.mjs');
const { main } = await import('../lib/cli/main.ts');
await main(process.argv);
