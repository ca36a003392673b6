// The migrated database every test clones: built once, and cached in the OS temp folder under a key of everything
// that shapes it, because a fresh PGlite cluster plus migrations costs seconds while a clone costs a fraction of one.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMigrationsDir, migrate, readMigrations } from '../../lib/store/migrate';
import { openPglite } from '../../lib/store/open-pglite';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Path of a `dumpDataDir()` tarball of a freshly migrated database; built when not cached yet. */
export async function ensureTemplateFile(): Promise<string> {
  const file = path.join(tmpdir(), `flashflow-test-template-${await templateKey()}.tar`);
  if (existsSync(file)) return file;
  const db = await openPglite({ dataDir: 'memory://' });
  try {
    await migrate(db.sql);
    const tarball = new Uint8Array(await (await db.dumpDataDir()).arrayBuffer());
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, tarball);
    await rename(partial, file); // Atomic, so a parallel run never loads a half-written template.
  } finally {
    await db.close();
  }
  return file;
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(path.join(repoRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  for (const source of ['lib/store/migrate.ts', 'lib/store/open-pglite.ts']) {
    hash.update(await readFile(path.join(repoRoot, source)));
  }
  for (const migration of await readMigrations(defaultMigrationsDir())) {
    hash.update(`${migration.name} ${migration.checksum}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
