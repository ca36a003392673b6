#!/usr/bin/env node
// Stands in for Prisma's native schema engine (see prisma.config.ts): the engine is a download that many self-hosters
// (and our CI) cannot fetch, and Flashflow never needs it. `prisma generate/validate/format` run on WebAssembly and
// never start it; commands that would (migrate, db push/pull, studio) get this explanation instead of a hang or a
// silent exit.
import { createInterface } from 'node:readline';

const explanation =
  "Flashflow does not use Prisma's schema engine: migrations are hand-written SQL in prisma/migrations/ applied by " +
  '`flashflow db migrate`. `prisma generate`, `validate` and `format` work without it; to use the real engine, set ' +
  'PRISMA_SCHEMA_ENGINE_BINARY to its path.';

// The CLI skips the first stderr line and parses the rest as the engine's JSON log lines, showing their messages.
process.stderr.write(`${explanation}\n`);
process.stderr.write(`${JSON.stringify({ level: 'ERROR', target: 'flashflow', fields: { message: explanation } })}\n`);

if (process.argv.includes('cli') || process.stdin.isTTY) process.exit(1);

// Otherwise the CLI speaks JSON-RPC on stdin/stdout: answer its first request with the explanation as the error.
const requests = createInterface({ input: process.stdin });
requests.once('close', () => process.exit(1));
requests.once('line', (line) => {
  let id = null;
  try {
    id = JSON.parse(line).id ?? null;
  } catch {
    // Not JSON-RPC: answer with a null id.
  }
  const error = { code: 4466, message: explanation, data: { is_panic: false, message: explanation, meta: {} } };
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error })}\n`, () => process.exit(1));
});
