// Where a training task leaves its model, metrics and report: in its own artifacts folder (ctx.artifactsDir), so
// the task-instance page lists them and a later run never overwrites them.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderModelReport, type ReportInput } from './model-report';
import type { TrainedForest } from './random-forest-model';

export async function saveModel(dir: string, trained: TrainedForest): Promise<{ model_path: string; metrics_path: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { model_path: path.join(dir, 'model.json'), metrics_path: path.join(dir, 'metrics.json') };
  await writeFile(paths.model_path, JSON.stringify(trained.model));
  await writeFile(paths.metrics_path, JSON.stringify(trained.metrics, null, 2));
  return paths;
}

export async function saveReport(dir: string, input: ReportInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const reportPath = path.join(dir, 'report.html');
  await writeFile(reportPath, renderModelReport(input));
  return reportPath;
}
