// The demo model's answers: pure functions of the input, so the same document always gets the same sections, logo
// and verdict, and a test can state what a run must produce. Hash-derived scores stand in for a model's confidence.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { CatalogDocument, Logo, Section, extractedSchema, logoRequestSchema, validateRequestSchema } from './model-contract';

/** A number in [0, 1) fixed by the text. */
function score(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 4_294_967_296;
}

export function extractDocument(doc: CatalogDocument) {
  const text = doc.pages.join('\n\n');
  return { document_id: doc.id, title: doc.title ?? null, text, pages: doc.pages.length, words: text.split(/\s+/).filter(Boolean).length };
}

export function classifySections(input: z.output<typeof extractedSchema>): { document_id: string; sections: Section[] } {
  const paragraphs = input.text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const sections = paragraphs.map((paragraph, index): Section => {
    const heading = paragraph.split('\n')[0]!.slice(0, 80);
    return { index, heading, label: labelOf(paragraph, index), confidence: round(0.6 + 0.39 * score(`${input.document_id}:${index}:${paragraph}`)) };
  });
  return { document_id: input.document_id, sections };
}

function labelOf(paragraph: string, index: number): Section['label'] {
  const lower = paragraph.toLowerCase();
  if (index === 0) return 'title';
  if (lower.startsWith('abstract') || lower.startsWith('summary')) return 'abstract';
  if (lower.startsWith('references') || lower.startsWith('bibliography')) return 'references';
  if (/@|\bphone\b|\btel\.|\baddress\b/.test(lower)) return 'contact';
  return 'body';
}

export function extractLogo(input: z.output<typeof logoRequestSchema>): { document_id: string; logo: Logo } {
  const s = score(`logo:${input.document_id}`);
  // Three documents in four carry a logo, on their first page or, now and then, a later one.
  const found = s < 0.75;
  const logo: Logo = found
    ? { found, page: 1 + (Math.floor(s * 1000) % Math.min(input.pages, 2)), box: [round(s / 2), 0.02, 0.2, 0.1], confidence: round(0.7 + 0.3 * score(`conf:${input.document_id}`)) }
    : { found, page: null, box: null, confidence: round(0.5 + 0.4 * s) };
  return { document_id: input.document_id, logo };
}

/** The catalogue's rules: a title, some content, and confident answers; a missing logo is a warning only. */
export function validateCatalogEntry(input: z.output<typeof validateRequestSchema>) {
  const issues: string[] = [];
  const warnings: string[] = [];
  if (!input.sections.some((s) => s.label === 'title')) issues.push('no title section');
  if (!input.sections.some((s) => s.label === 'body' || s.label === 'abstract')) issues.push('no body or abstract section');
  const unsure = input.sections.filter((s) => s.confidence < 0.65).map((s) => s.index);
  if (unsure.length > 0) warnings.push(`low confidence in section(s) ${unsure.join(', ')}`);
  if (!input.logo.found) warnings.push('no logo found');
  return { document_id: input.document_id, valid: issues.length === 0, issues, warnings };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
