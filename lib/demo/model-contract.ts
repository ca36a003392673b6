// What the demo model server takes and gives, endpoint by endpoint (model-server.ts). The catalog_request DAG keeps
// its own schemas for the answers it reads: each side checks its boundary.
import { z } from 'zod';

const documentId = z.string().trim().min(1).max(200);

export const documentSchema = z
  .object({
    id: documentId,
    title: z.string().max(500).optional(),
    /** The text of each page, as an OCR step or a PDF text layer gives it. */
    pages: z.array(z.string().max(200_000)).min(1).max(500),
  })
  .strict();

export const extractedSchema = z.object({ document_id: documentId, text: z.string().max(10_000_000) });

export const logoRequestSchema = z.object({ document_id: documentId, pages: z.number().int().min(1).max(500) });

export const SECTION_LABELS = ['title', 'abstract', 'contact', 'body', 'references'] as const;

export const sectionSchema = z.object({
  index: z.number().int().min(0),
  heading: z.string(),
  label: z.enum(SECTION_LABELS),
  confidence: z.number().min(0).max(1),
});

export const logoSchema = z.object({
  found: z.boolean(),
  page: z.number().int().min(1).nullable(),
  /** x, y, width, height as fractions of the page. */
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  confidence: z.number().min(0).max(1),
});

export const validateRequestSchema = z.object({
  document_id: documentId,
  sections: z.array(sectionSchema).max(10_000),
  logo: logoSchema,
});

export type CatalogDocument = z.output<typeof documentSchema>;
export type Section = z.output<typeof sectionSchema>;
export type Logo = z.output<typeof logoSchema>;
