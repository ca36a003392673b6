// The `visualise` step of text_to_model: a horizontal bar chart of word counts as a standalone SVG file, which a
// browser opens from the task-instance page with nothing else installed.

const ROW = 22;
const LABEL_WIDTH = 130;
const BAR_WIDTH = 360;
const TOP = 40;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function wordFrequencySvg(bars: ReadonlyArray<{ word: string; count: number }>, title: string): string {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = LABEL_WIDTH + BAR_WIDTH + 50;
  const height = TOP + bars.length * ROW + 10;
  const rows = bars.map((b, i) => {
    const y = TOP + i * ROW;
    const w = Math.max(1, Math.round((b.count / max) * BAR_WIDTH));
    return [
      `  <text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeXml(b.word)}</text>`,
      `  <rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w}" height="${ROW - 6}" fill="#4f6bed"><title>${escapeXml(b.word)}: ${b.count}</title></rect>`,
      `  <text x="${LABEL_WIDTH + w + 6}" y="${y + 15}">${b.count}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `  <rect width="100%" height="100%" fill="#ffffff"/>`,
    `  <text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
