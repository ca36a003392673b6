// `node --import <this file>`: installs resolve-flashflow.mjs in a process that imports DAG files (task runners,
// the DAG-parsing child, the CLI).
import { register } from 'node:module';

register('./resolve-flashflow.mjs', import.meta.url);
