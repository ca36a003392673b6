// The folder Flashflow is installed in (the Next.js app, its build, package.json), from this file's place in it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
