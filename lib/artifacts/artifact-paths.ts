// Where a task instance keeps the files it produces (models, reports, charts):
//   $FLASHFLOW_HOME/artifacts/<dag_id>/<run_id>/<task_id>/            an unmapped task
//   $FLASHFLOW_HOME/artifacts/<dag_id>/<run_id>/<task_id>/<map_index>/ one instance of a mapped task
// Task code gets its folder as ctx.artifactsDir (bash tasks as $FLASHFLOW_ARTIFACTS_DIR); the task-instance page
// lists and serves what is in it. Run ids may hold characters a path must not, so each segment is encoded.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ArtifactOwner {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
}

export interface ArtifactFile {
  name: string;
  bytes: number;
  modifiedAt: Date;
}

/** The home a task process was started with: the server hands runners an absolute FLASHFLOW_HOME. */
export function homeFromEnv(env: Record<string, string | undefined>): string {
  // A run-time folder, not a source file: without the hint Next's build traces the whole project into its output.
  return path.resolve(/*turbopackIgnore: true*/ env.FLASHFLOW_HOME || '.flashflow');
}

/** `encodeURIComponent` leaves '.' alone, so '..' and '.' are spelt out to stay inside the tree. */
function segment(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}

export function taskArtifactDir(home: string, owner: ArtifactOwner): string {
  const parts = [home, 'artifacts', segment(owner.dagId), segment(owner.runId), segment(owner.taskId)];
  if (owner.mapIndex >= 0) parts.push(String(owner.mapIndex));
  return path.join(...parts);
}

/** The files directly in a task instance's folder, by name; none when it made none. */
export async function listTaskArtifacts(home: string, owner: ArtifactOwner): Promise<ArtifactFile[]> {
  const dir = taskArtifactDir(home, owner);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: ArtifactFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const info = await stat(path.join(dir, entry.name));
    files.push({ name: entry.name, bytes: info.size, modifiedAt: info.mtime });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The path of one artifact, or null when the name is not a plain file name in that folder (no separators, no
 * dot-dot): a name from a URL must not reach outside the task instance's folder.
 */
export function artifactPath(home: string, owner: ArtifactOwner, name: string): string | null {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) return null;
  return path.join(taskArtifactDir(home, owner), name);
}
