// Opens one artifact of a task instance for reading, by a name that came from a URL. Only a regular file directly
// in the instance's folder opens: the name may not leave the folder, and a symbolic link is not followed (the
// listing leaves links out too), so a link a task left behind cannot expose a file elsewhere on the server.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { artifactPath, type ArtifactFile, type ArtifactOwner } from './artifact-paths';

export type OpenedArtifact =
  | { ok: true; file: ArtifactFile; body: ReadableStream<Uint8Array> }
  | { ok: false; reason: 'bad_name' | 'missing' };

export async function openArtifact(home: string, owner: ArtifactOwner, name: string): Promise<OpenedArtifact> {
  const file = artifactPath(home, owner, name);
  if (file === null) return { ok: false, reason: 'bad_name' };
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return { ok: false, reason: 'missing' };
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    return { ok: false, reason: 'missing' };
  }
  const body = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
  return { ok: true, file: { name, bytes: info.size, modifiedAt: info.mtime }, body };
}
