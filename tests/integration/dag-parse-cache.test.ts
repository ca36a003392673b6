// The home's cache of the last DAG folder parse (lib/dag-processing/parse-cache.ts): used while nothing the parse reads
// has changed, parsed anew on any edit, addition or deletion in the DAG or plugin folders or a change of environment,
// and ignored when damaged. Most tests count the calls of a stand-in parser; one runs the real parser child, and one
// the CLI.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDagFolderCached, PARSE_CACHE_FILE, type CachedParseOptions } from '../../lib/dag-processing/parse-cache';
import { listDagFiles, type ParseResult } from '../../lib/dag-processing/parse-dag-folder';
import { parseInChild, type FolderParse } from '../../lib/dag-processing/parse-in-child';
import { makeHome, makeTempDir, REPO_ROOT, removeTempDirs, runCliInProcess } from '../support/cli-harness';
import { chainDagSource, makeDagFolder, writeDagFile } from '../support/dag-folder';

afterAll(removeTempDirs);

let folder: string;
let plugins: string;
let options: CachedParseOptions;
let parses: number;
/** Stands in for the parser child: one DAG per file, whose id is the file's contents. */
const countingParse = async (dagFolder: string): Promise<FolderParse> => {
  parses += 1;
  const files = await listDagFiles(dagFolder);
  const dags = files.map((f) => ({ dag_id: readFileSync(f, 'utf8'), fileloc: f, tasks: [] }));
  return { dags: dags as unknown as ParseResult['dags'], errors: [], files, interrupted: false };
};
const parse = (over: Partial<CachedParseOptions> = {}) => parseDagFolderCached({ ...options, ...over }, countingParse);
const dagIds = (r: ParseResult) => r.dags.map((d) => d.dag_id);

beforeEach(async () => {
  parses = 0;
  [folder, plugins] = await Promise.all([makeTempDir('dags'), makeTempDir('plugins')]);
  const home = await makeTempDir('home');
  writeFileSync(path.join(folder, 'a.ts'), 'dag_a');
  options = { folder, pluginFolders: [plugins], env: { LANG: 'C' }, cwd: REPO_ROOT, appRoot: REPO_ROOT, cacheFile: path.join(home, PARSE_CACHE_FILE) };
});

describe('the DAG parse cache', () => {
  it('answers from the cache while nothing changed', async () => {
    const first = await parse();
    const second = await parse();
    expect(parses).toBe(1);
    expect(second).toEqual(first);
    expect(dagIds(second)).toEqual(['dag_a']);
  });

  it('parses again when a file is edited, even to the same size', async () => {
    await parse();
    writeFileSync(path.join(folder, 'a.ts'), 'dag_b');
    expect(dagIds(await parse())).toEqual(['dag_b']);
    expect(parses).toBe(2);
  });

  it('parses again when a file is added, deleted or replaced by a rename', async () => {
    await parse();
    writeFileSync(path.join(folder, 'b.ts'), 'dag_b');
    expect(dagIds(await parse())).toEqual(['dag_a', 'dag_b']);
    rmSync(path.join(folder, 'a.ts'));
    expect(dagIds(await parse())).toEqual(['dag_b']);
    // An editor's atomic save: a new file renamed over the old one.
    writeFileSync(path.join(folder, 'b.tmp'), 'dag_c');
    renameSync(path.join(folder, 'b.tmp'), path.join(folder, 'b.ts'));
    expect(dagIds(await parse())).toEqual(['dag_c']);
    expect(parses).toBe(4);
  });

  it('parses again when a file a DAG may import changes, though it is no DAG file itself', async () => {
    await mkdir(path.join(folder, 'common'));
    writeFileSync(path.join(folder, 'common', '_settings.json'), '{}');
    await parse();
    writeFileSync(path.join(folder, 'common', '_settings.json'), '{"x":1}');
    await parse();
    expect(parses).toBe(2);
  });

  it('parses again when a plugin file changes, or the plugin folders, environment or working directory differ', async () => {
    await parse();
    writeFileSync(path.join(plugins, 'op.ts'), 'export {}');
    await parse();
    await parse({ pluginFolders: null });
    await parse({ env: { LANG: 'C', FIXTURE_API_KEY: 'k' } });
    await parse({ cwd: folder });
    expect(parses).toBe(5);
    // Shell bookkeeping that no DAG reads does not count.
    await parse({ cwd: folder, env: { LANG: 'C', OLDPWD: '/elsewhere', _: '/usr/bin/env' } });
    expect(parses).toBe(5);
  });

  it('ignores a damaged cache file, and replaces it', async () => {
    for (const damaged of ['', '{"key": "', '[]', JSON.stringify({ key: 'x', result: { dags: 'no' } })]) {
      writeFileSync(options.cacheFile, damaged);
      expect(dagIds(await parse())).toEqual(['dag_a']);
    }
    expect(parses).toBe(4);
    await parse();
    expect(parses).toBe(4);
    // A cache with the right key but a result of the wrong shape is damaged too.
    const cached = JSON.parse(readFileSync(options.cacheFile, 'utf8')) as { key: string };
    writeFileSync(options.cacheFile, JSON.stringify({ key: cached.key, result: { dags: [{ dag_id: 1 }], errors: [], files: [] } }));
    expect(dagIds(await parse())).toEqual(['dag_a']);
    expect(parses).toBe(5);
  });

  it('keeps no parse in which a file hung or crashed the parser', async () => {
    const interrupted = async (f: string) => ({ ...(await countingParse(f)), interrupted: true });
    await parseDagFolderCached(options, interrupted);
    await parseDagFolderCached(options, interrupted);
    expect(parses).toBe(2);
    expect(existsSync(options.cacheFile)).toBe(false);
  });

  it('creates no folder for its file: without a home it parses every time', async () => {
    const cacheFile = path.join(folder, 'no-home', PARSE_CACHE_FILE);
    await parse({ cacheFile });
    await parse({ cacheFile });
    expect(parses).toBe(2);
    expect(existsSync(path.dirname(cacheFile))).toBe(false);
  });

  it('holds what the parser child found, import errors included', async () => {
    const real = await makeDagFolder();
    writeDagFile(real, 'one.ts', chainDagSource('cache_one', ['a', 'b']));
    writeDagFile(real, 'broken.ts', "throw new Error('broken on purpose');\n");
    let childParses = 0;
    const counted = (f: string, t: number | undefined, p: readonly string[] | null) => ((childParses += 1), parseInChild(f, t, p));
    const first = await parseDagFolderCached({ ...options, folder: real }, counted);
    const again = await parseDagFolderCached({ ...options, folder: real }, counted);
    expect(childParses).toBe(1);
    expect(again).toEqual(first);
    expect(dagIds(again)).toEqual(['cache_one']);
    expect(again.errors.map((e) => [path.basename(e.filename), e.message.split('\n')[0]])).toEqual([['broken.ts', 'Error: broken on purpose']]);
  });
});

describe('flashflow dags list on a cached parse', () => {
  it('shows a DAG file edited, added or deleted since the last command', async () => {
    const dagsFolder = await makeDagFolder();
    writeDagFile(dagsFolder, 'first.ts', chainDagSource('cached_first', ['t']));
    const home = await makeHome();
    const listed = async () => {
      const r = await runCliInProcess(['dags', 'list', '--output', 'json'], { home, dagsFolder });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id);
    };
    expect(await listed()).toEqual(['cached_first']);
    expect(existsSync(path.join(home, PARSE_CACHE_FILE))).toBe(true);
    writeDagFile(dagsFolder, 'first.ts', chainDagSource('cached_edited', ['t']));
    writeDagFile(dagsFolder, 'second.ts', chainDagSource('cached_second', ['t']));
    expect(await listed()).toEqual(['cached_edited', 'cached_second']);
    rmSync(path.join(dagsFolder, 'second.ts'));
    expect(await listed()).toEqual(['cached_edited']);
  });
});
