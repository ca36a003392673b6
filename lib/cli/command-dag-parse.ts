// The DAG folder as a one-shot command sees it: parsed in a child, or taken from the home's parse cache when nothing
// the parse reads has changed since the last command.
import path from 'node:path';
import { parseDagFolderCached, PARSE_CACHE_FILE } from '../dag-processing/parse-cache';
import type { ParseResult } from '../dag-processing/parse-dag-folder';
import type { FlashflowConfig } from '../runtime/config';
import { APP_ROOT } from './app-root';

export function parseDagsForCommand(config: FlashflowConfig): Promise<ParseResult> {
  return parseDagFolderCached({
    folder: config.dagsFolder,
    pluginFolders: config.pluginFolders,
    // What the parser child inherits, as far as a DAG file can see it.
    env: config.taskEnv,
    cwd: process.cwd(),
    appRoot: APP_ROOT,
    cacheFile: path.join(config.home, PARSE_CACHE_FILE),
  });
}
