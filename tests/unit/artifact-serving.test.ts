// Serving artifacts: the media type comes from the name, only types a browser shows are inline, and only a
// regular file directly in the task instance's folder opens.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskArtifactDir } from '../../lib/artifacts/artifact-paths';
import { artifactMediaType } from '../../lib/artifacts/artifact-media-type';
import { openArtifact } from '../../lib/artifacts/open-artifact';

describe('artifactMediaType', () => {
  it('serves reports, charts, data and text by extension, case aside, and anything else as a download', () => {
    expect(artifactMediaType('report.HTML')).toEqual({ type: 'text/html; charset=utf-8', inline: true });
    expect(artifactMediaType('chart.svg')).toEqual({ type: 'image/svg+xml', inline: true });
    expect(artifactMediaType('metrics.json')).toEqual({ type: 'application/json', inline: true });
    expect(artifactMediaType('train.csv')).toEqual({ type: 'text/csv; charset=utf-8', inline: true });
    expect(artifactMediaType('summary.pdf')).toEqual({ type: 'application/pdf', inline: false });
    for (const name of ['model.bin', 'Makefile', '.env', 'x.constructor', 'x.__proto__']) {
      expect(artifactMediaType(name), name).toEqual({ type: 'application/octet-stream', inline: false });
    }
  });
});

describe('openArtifact', () => {
  const owner = { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1 };
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ff-open-art-'));
    const dir = taskArtifactDir(home, owner);
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'metrics.json'), '{"accuracy":0.97}');
    await writeFile(path.join(home, 'secret.txt'), 'not for the web');
    await symlink(path.join(home, 'secret.txt'), path.join(dir, 'link.txt'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('opens a file of the folder with its size', async () => {
    const opened = await openArtifact(home, owner, 'metrics.json');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.file).toMatchObject({ name: 'metrics.json', bytes: 17 });
    expect(await new Response(opened.body).text()).toBe('{"accuracy":0.97}');
  });

  it('refuses names that leave the folder, and does not open folders, links or missing files', async () => {
    for (const name of ['../../../../secret.txt', '..', 'sub/../metrics.json']) {
      expect(await openArtifact(home, owner, name), name).toEqual({ ok: false, reason: 'bad_name' });
    }
    for (const name of ['sub', 'link.txt', 'absent.json']) {
      expect(await openArtifact(home, owner, name), name).toEqual({ ok: false, reason: 'missing' });
    }
  });
});
