// A task instance's artifacts: the listing, and each file served so that a report a task wrote can be opened in
// the browser without becoming part of this site (sandboxed, see sandboxed-files.ts; nosniff stops a browser from
// guessing a script type for a file served as text).
import type { z } from 'zod';
import { listTaskArtifacts, type ArtifactFile, type ArtifactOwner } from '../../artifacts/artifact-paths';
import { artifactMediaType } from '../../artifacts/artifact-media-type';
import { openArtifact } from '../../artifacts/open-artifact';
import { InvalidInputError, NotFoundError } from '../../kernel/errors';
import type { AppRuntime } from '../../runtime/app-runtime';
import { contentDisposition } from '../content-disposition';
import type { Artifact, ArtifactCollection } from '../contracts/artifacts';
import { SANDBOX_CSP } from '../sandboxed-files';
import { iso, type ApiRuntime } from './shared';
import { loadTaskInstance } from './task-instances';

export type ArtifactRuntime = ApiRuntime & Pick<AppRuntime, 'config'>;

function serializeArtifact(f: ArtifactFile): z.input<typeof Artifact> {
  return { name: f.name, size: f.bytes, modified_at: iso(f.modifiedAt), content_type: artifactMediaType(f.name).type };
}

export async function listArtifacts(rt: ArtifactRuntime, owner: ArtifactOwner): Promise<z.input<typeof ArtifactCollection>> {
  await loadTaskInstance(rt, owner);
  const files = await listTaskArtifacts(rt.config.home, owner);
  return { artifacts: files.map(serializeArtifact), total_entries: files.length };
}

export async function artifactResponse(rt: ArtifactRuntime, owner: ArtifactOwner, name: string): Promise<Response> {
  await loadTaskInstance(rt, owner);
  const opened = await openArtifact(rt.config.home, owner, name);
  if (!opened.ok && opened.reason === 'bad_name') {
    throw new InvalidInputError(`'${name}' is not the name of a file in the task instance's artifacts folder`, [
      { path: 'artifact_name', message: 'a plain file name: no path separators, not . or ..' },
    ]);
  }
  if (!opened.ok) throw new NotFoundError(`Task instance '${owner.taskId}' (map_index ${owner.mapIndex}) has no artifact '${name}'`);
  const media = artifactMediaType(name);
  return new Response(opened.body, {
    headers: {
      'content-type': media.type,
      'content-length': String(opened.file.bytes),
      'content-disposition': contentDisposition(media.inline ? 'inline' : 'attachment', name, 'artifact'),
      'content-security-policy': SANDBOX_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}
