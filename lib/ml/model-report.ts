// The HTML report a training run leaves beside its model: accuracy, the confusion matrix and a bar chart of
// precision and recall per class, in one self-contained file (inline SVG, no script), served from the
// task-instance page in a sandbox.
import { escapeHtml } from '../kernel/escape-html';
import type { ModelMetrics } from './random-forest-model';

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

export interface ReportInput {
  title: string;
  /** Lines under the title: the run, the data it used. */
  context: string[];
  metrics: ModelMetrics;
}

export function renderModelReport(input: ReportInput): string {
  const { metrics } = input;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;color:#1f2937}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d1d5db;padding:.35rem .7rem;text-align:right}
th{background:#f3f4f6}td.hit{background:#dcfce7;font-weight:600}.big{font-size:2.2rem;font-weight:700}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
${input.context.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<h2>Accuracy</h2>
<p class="big">${percent(metrics.accuracy)}</p>
<p>${metrics.test_size} test flowers, ${metrics.train_size} training flowers.</p>
<h2>Confusion matrix</h2>
${confusionTable(metrics)}
<h2>Precision and recall by class</h2>
${barChart(metrics)}
</body></html>
`;
}

function confusionTable(m: ModelMetrics): string {
  const head = `<tr><th>actual \\ predicted</th>${m.labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr>`;
  const rows = m.labels.map((label, i) => {
    const cells = m.labels.map((_, j) => `<td${i === j ? ' class="hit"' : ''}>${m.matrix[i]?.[j] ?? 0}</td>`).join('');
    return `<tr><th>${escapeHtml(label)}</th>${cells}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function barChart(m: ModelMetrics): string {
  const barWidth = 28;
  const groupWidth = barWidth * 2 + 40;
  const height = 200;
  const width = 60 + groupWidth * m.per_class.length;
  const bar = (x: number, value: number, colour: string, name: string) => {
    const h = Math.round(value * height);
    return `<rect x="${x}" y="${20 + height - h}" width="${barWidth}" height="${h}" fill="${colour}"><title>${name} ${percent(value)}</title></rect>`;
  };
  const groups = m.per_class.map((c, i) => {
    const x = 50 + i * groupWidth;
    return `${bar(x, c.precision, '#2563eb', 'precision')}${bar(x + barWidth + 4, c.recall, '#16a34a', 'recall')}` +
      `<text x="${x + barWidth}" y="${height + 40}" text-anchor="middle">${escapeHtml(c.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 80}" role="img" aria-label="precision and recall by class" font-size="13">
<line x1="45" y1="20" x2="45" y2="${20 + height}" stroke="#9ca3af"/><text x="40" y="26" text-anchor="end">100 %</text><text x="40" y="${24 + height}" text-anchor="end">0</text>
${groups.join('\n')}
<rect x="50" y="${height + 55}" width="12" height="12" fill="#2563eb"/><text x="68" y="${height + 66}">precision</text>
<rect x="150" y="${height + 55}" width="12" height="12" fill="#16a34a"/><text x="168" y="${height + 66}">recall</text>
</svg>`;
}
