// Temp DAG folders that tests edit while Flashflow watches them. Files import the authoring API by absolute
// file URL, since the folder lives outside the repository; its package.json makes `.ts` files ES modules.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir, REPO_ROOT } from './cli-harness';

const BUILDER = pathToFileURL(path.join(REPO_ROOT, 'lib', 'engine', 'dag-builder.ts')).href;

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
