// Artifact folders: one per task instance under the run's, names from URLs kept inside it.
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactPath, listTaskArtifacts, taskArtifactDir } from '../../lib/artifacts/artifact-paths';

const owner = { dagId: 'weekly_model_retrain', runId: 'scheduled__2026-01-04T00:00:00+00:00', taskId: 'train', mapIndex: -1 };

describe('artifact paths', () => {
  it('puts a task instance under its DAG and run, encoding the run id and adding the map index of a mapped one', () => {
    expect(taskArtifactDir('/h', owner)).toBe('/h/artifacts/weekly_model_retrain/scheduled__2026-01-04T00%3A00%3A00%2B00%3A00/train');
    expect(taskArtifactDir('/h', { ...owner, runId: '..', mapIndex: 3 })).toBe('/h/artifacts/weekly_model_retrain/%2E%2E/train/3');
    expect(taskArtifactDir('/h', { ...owner, runId: 'a/../../etc' })).toBe('/h/artifacts/weekly_model_retrain/a%2F..%2F..%2Fetc/train');
  });

  it('refuses names that would leave the folder', () => {
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', 'a\0b']) expect(artifactPath('/h', owner, bad)).toBeNull();
    expect(artifactPath('/h', owner, 'report.html')).toBe(path.join(taskArtifactDir('/h', owner), 'report.html'));
  });

  it('lists the files a task left, by name, and nothing for a task that left none', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ff-art-'));
    try {
      expect(await listTaskArtifacts(home, owner)).toEqual([]);
      const dir = taskArtifactDir(home, owner);
      await mkdir(path.join(dir, 'nested'), { recursive: true });
      await writeFile(path.join(dir, 'model.json'), '{}');
      await writeFile(path.join(dir, 'metrics.json'), '{"accuracy":1}');
      const files = await listTaskArtifacts(home, owner);
      expect(files.map((f) => [f.name, f.bytes])).toEqual([['metrics.json', 14], ['model.json', 2]]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
