// Temp DAG folders that tests edit while Flashflow watches them. They live outside the repository, as a user's
// FLASHFLOW_DAGS_FOLDER may, and import the SDK as `flashflow` all the same; their package.json makes `.ts` files ES
// modules.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './cli-harness';

const BUILDER = 'flashflow';

export async function makeDagFolder(): Promise<string> {
  const folder = await makeTempDir('dags');
  writeFileSync(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  return folder;
}

/** A DAG whose tasks run one after the other and each return their own id. */
export function chainDagSource(dagId: string, taskIds: string[]): string {
  return [
    `import { chain, dag } from '${BUILDER}';`,
    `export const d = dag({ dagId: '${dagId}', schedule: null });`,
    `chain(${taskIds.map((t) => `d.task('${t}', () => '${t}')`).join(', ')});`,
    '',
  ].join('\n');
}

/** A DAG file whose import never finishes. */
export function loopingDagSource(dagId: string): string {
  return [
    `import { dag } from '${BUILDER}';`,
    `export const d = dag({ dagId: '${dagId}', schedule: null });`,
    `d.task('never', () => 1);`,
    'for (;;) {}',
    '',
  ].join('\n');
}

export function writeDagFile(folder: string, name: string, source: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, source);
  return file;
}
