// The last parse of the DAG folder, kept in a file of the Flashflow home, so that a CLI command on a folder nobody
// changed skips the parser child (about 1.5 s of every `flashflow dags …`). It is used only when the key of the parse's
// inputs (parse-inputs-key.ts) is unchanged; a file that cannot be read or does not fit is ignored, never an error.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { connectionTypeSpecSchema } from '../connections/connection-types';
import type { SerializedDag } from '../engine/dag-model';
import type { ParseResult } from './parse-dag-folder';
import { parseInChild, type FolderParse } from './parse-in-child';
import { parseInputsKey, type ParseInputs } from './parse-inputs-key';

export const PARSE_CACHE_FILE = 'dag-parse-cache.json';

// The DAGs were compiled by this same code (the key covers it): their shape is checked only as far as a damaged
// file would break it.
const DagShape = z.looseObject({ dag_id: z.string(), fileloc: z.string(), tasks: z.array(z.unknown()) });
const CachedParse = z.object({
  key: z.string(),
  result: z.object({
    dags: z.array(z.custom<SerializedDag>((v) => DagShape.safeParse(v).success)),
    errors: z.array(z.object({ filename: z.string(), message: z.string() })),
    files: z.array(z.string()),
    pluginConnectionTypes: z.array(z.object({ file: z.string(), spec: connectionTypeSpecSchema })).optional(),
  }),
});

export interface CachedParseOptions extends ParseInputs {
  /** Where the cache lives; its folder must exist (a command that must not create the home never makes one). */
  cacheFile: string;
  fileTimeoutMs?: number;
}

/** The parse of `options.folder`: the cached one when its inputs are unchanged, else a new one (then cached). */
export async function parseDagFolderCached(
  options: CachedParseOptions,
  parse: (folder: string, fileTimeoutMs: number | undefined, pluginFolders: readonly string[] | null) => Promise<FolderParse> = parseInChild,
): Promise<ParseResult> {
  let key: string;
  try {
    key = await parseInputsKey(options);
  } catch {
    // An unreadable folder: the parse says what is wrong with it, as it did before there was a cache.
    return parse(options.folder, options.fileTimeoutMs, options.pluginFolders);
  }
  const cached = await readCachedParse(options.cacheFile, key);
  if (cached) return cached;
  // The key was taken before parsing: a file edited meanwhile makes the stored key stale, never the result.
  const { interrupted, ...result } = await parse(options.folder, options.fileTimeoutMs, options.pluginFolders);
  // A file that hung or crashed the parser may do better next time (a slow disk, a busy machine): not kept.
  if (!interrupted) await writeCachedParse(options.cacheFile, key, result);
  return result;
}

async function readCachedParse(file: string, key: string): Promise<ParseResult | null> {
  try {
    const parsed = CachedParse.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success && parsed.data.key === key ? parsed.data.result : null;
  } catch {
    return null;
  }
}

/** Written whole and renamed into place, so a command reading at the same time sees the old file or the new one. */
async function writeCachedParse(file: string, key: string, result: ParseResult): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, JSON.stringify({ key, result }), { mode: 0o600 });
    await rename(temp, file);
  } catch {
    // No home yet, or a read-only one: the next command parses again, which is all the cache saves.
    await rm(temp, { force: true }).catch(() => {});
  }
}
