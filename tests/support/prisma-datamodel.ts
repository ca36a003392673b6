// Prisma's parsed view of prisma/schema.prisma (the DMMF datamodel), obtained offline by running `prisma generate`
// with a throw-away generator, so schema checks compare against what Prisma itself understands, not a regex parse.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface DmmfField {
  name: string;
  dbName: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  nativeType: [string, string[]] | null;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueFields: string[][];
}
export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  dbName: string | null;
  fields: { name: string }[];
}
export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: unknown[];
  indexes: DmmfIndex[];
}

export async function loadPrismaDatamodel(
  schemaPath = path.join(repoRoot, 'prisma', 'schema.prisma'),
): Promise<DmmfDatamodel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flashflow-dmmf-'));
  try {
    const generator = path.join(repoRoot, 'tests', 'support', 'dmmf-dump-generator.mjs');
    const schema = (await readFile(schemaPath, 'utf8')).replace(/^generator\s+\w+\s*\{[^}]*\}/gm, '');
    const tmpSchema = path.join(dir, 'schema.prisma');
    await writeFile(tmpSchema, `${schema}\ngenerator dmmf {\n  provider = "node ${generator}"\n}\n`);
    const out = path.join(dir, 'dmmf.json');
    await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', tmpSchema],
      { cwd: repoRoot, env: { ...process.env, FLASHFLOW_DMMF_OUT: out, PRISMA_HIDE_UPDATE_MESSAGE: '1' } },
    );
    return JSON.parse(await readFile(out, 'utf8')) as DmmfDatamodel;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
