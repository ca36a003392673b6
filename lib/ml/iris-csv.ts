// Reading the Iris CSV a pipeline downloads: a header naming the four measures and the species, then one flower per
// line. Cleaning keeps what a person would: blank lines and exact duplicates go; anything else malformed stops the
// task with the file and line, since a retry cannot fix the data.
import { z } from 'zod';
import { formatZodIssues } from '../kernel/zod-issues';

export const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

export const flowerSchema = z.object({
  features: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  species: z.string(),
});
export type Flower = z.infer<typeof flowerSchema>;

const measure = z.coerce.number({ error: 'expected a number' }).finite('expected a number').positive('must be above 0').max(100, 'above 100 cm');

export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

export interface ParsedCsv {
  flowers: Flower[];
  /** Blank lines and exact duplicates dropped. */
  dropped: number;
}

export function parseIrisCsv(text: string, file: string): ParsedCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim().toLowerCase()) ?? [];
  const expected = [...FEATURES, 'species'];
  if (header.join(',') !== expected.join(',')) {
    throw new CsvFormatError(`${file} line 1: expected the header '${expected.join(',')}', found '${lines[0] ?? ''}'`);
  }
  const seen = new Set<string>();
  const flowers: Flower[] = [];
  let dropped = 0;
  lines.slice(1).forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file} line ${i + 2}`;
    if (line === '') {
      if (i < lines.length - 2) dropped++;
      return;
    }
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== expected.length) throw new CsvFormatError(`${where}: expected ${expected.length} fields, found ${cells.length}`);
    const numbers = FEATURES.map((name, k) => {
      const parsed = measure.safeParse(cells[k] === '' ? undefined : cells[k]);
      if (!parsed.success) throw new CsvFormatError(`${where}: ${name} '${cells[k]}': ${formatZodIssues(parsed.error)}`);
      return parsed.data;
    });
    if (!cells[4]) throw new CsvFormatError(`${where}: species is empty`);
    const key = cells.join(',');
    if (seen.has(key)) {
      dropped++;
      return;
    }
    seen.add(key);
    flowers.push({ features: numbers as Flower['features'], species: cells[4] });
  });
  if (flowers.length === 0) throw new CsvFormatError(`${file}: no flowers after the header`);
  return { flowers, dropped };
}
