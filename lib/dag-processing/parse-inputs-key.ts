// A hash of everything a parse of the DAG folder depends on that can be checked without importing a file: every
// file of the DAG and plugin folders (name, size, change times, inode — so an edit, an addition, a deletion or a file
// replaced by a rename changes it), the installed packages they may import, Flashflow's own code, and the environment
// and working directory the parser inherits. Equal keys mean a new parse would read the same inputs.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ParseInputs {
  folder: string;
  /** null: plugin operators are not checked, which changes the result as much as the plugin files do. */
  pluginFolders: readonly string[] | null;
  /** The environment the parser child inherits (DAG files read settings from it at import). */
  env: Record<string, string | undefined>;
  cwd: string;
  /** Flashflow's install folder: its lib/ and package files stand for the parser's own version. */
  appRoot: string;
}

// Shell bookkeeping that changes between two commands typed in one terminal and that no DAG file should read.
const IGNORED_ENV = new Set(['_', 'OLDPWD']);
/** Coarser than any file system's timestamps (FAT's are 2 s apart). */
const RECENT_MS = 3_000;

export async function parseInputsKey(inputs: ParseInputs): Promise<string> {
  const now = Date.now();
  const hash = createHash('sha256');
  const add = (...parts: string[]) => hash.update(`${parts.join('\0')}\n`);
  add('folder', inputs.folder);
  add('plugins', inputs.pluginFolders === null ? '(unchecked)' : inputs.pluginFolders.join('\0'));
  add('cwd', inputs.cwd);
  for (const [name, value] of Object.entries(inputs.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined && !IGNORED_ENV.has(name)) add('env', name, value);
  }
  const trees = [inputs.folder, ...(inputs.pluginFolders ?? []), path.join(inputs.appRoot, 'lib')];
  for (const tree of trees) for (const line of await treeLines(tree, now)) add(tree, line);
  for (const file of [...trees.map((t) => path.join(t, 'node_modules', '.package-lock.json')), path.join(inputs.appRoot, 'package.json'), path.join(inputs.appRoot, 'package-lock.json')]) {
    add(file, await statLine(file, now));
  }
  return hash.digest('hex');
}

/**
 * One line per file under `root`, sorted; files in node_modules and hidden folders are left out (a .git folder changes
 * without changing a DAG; packages are covered by npm's node_modules/.package-lock.json). A missing root has none.
 */
async function treeLines(root: string, now: number): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ['(missing)'];
    throw err;
  }
  const files = entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !path.relative(root, f).split(path.sep).some((part, i, all) => part === 'node_modules' || (part.startsWith('.') && i < all.length - 1)))
    .sort();
  return Promise.all(files.map(async (f) => `${path.relative(root, f)}\0${await statLine(f, now)}`));
}

/**
 * Follows links: a link re-pointed to another file changes the line. A file changed in the last few seconds is also
 * read: two writes within one tick of the file system's clock leave the same times and size (git's "racy" files), and
 * the second must not pass for the first.
 */
async function statLine(file: string, now: number): Promise<string> {
  try {
    const s = await stat(file, { bigint: true });
    const line = [s.size, s.mtimeNs, s.ctimeNs, s.ino, s.dev].join(':');
    if (!s.isFile() || Number(s.ctimeNs / 1_000_000n) < now - RECENT_MS) return line;
    return `${line}:${createHash('sha256').update(await readFile(file)).digest('hex')}`;
  } catch {
    return 'missing';
  }
}
