#!/usr/bin/env node
// A Prisma generator that writes the DMMF datamodel (Prisma's own parse of schema.prisma) to $FLASHFLOW_DMMF_OUT.
// Prisma talks to generators in JSON-RPC: requests on our stdin, one JSON response per line on our stderr.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const reply = (id, result) => process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method, params } = JSON.parse(line);
  if (method === 'getManifest') {
    reply(id, { manifest: { prettyName: 'DMMF dump (tests)', defaultOutput: '.', requiresEngines: [] } });
  } else if (method === 'generate') {
    writeFileSync(process.env.FLASHFLOW_DMMF_OUT, JSON.stringify(params.dmmf.datamodel, null, 2));
    reply(id, null);
  }
});
