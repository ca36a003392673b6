// The raw BullMQ baseline's chain, shared by its worker processes and the bench: the four model calls of
// catalog_request with the same bodies, each step carrying what the next ones read (the DAG's XComs).
import type { JobsOptions } from 'bullmq';

export const RAW_QUEUE = 'catalog';
export const RAW_PREFIX = 'rawbench';
/** The last step pushes `<id> <end epoch ms> ok|failed` here; the bench drains it. */
export const RAW_DONE_LIST = 'rawbench:done';

/** catalog_request's task retries (3, 2 s doubling), and nothing kept after success, as BullMQ users usually do. */
export const RAW_JOB_OPTIONS: JobsOptions = { attempts: 4, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: 1_000 };

type Carry = Record<string, unknown>;

export interface RawStep {
  id: string;
  step: number;
  carry: Carry;
}

interface Link {
  endpoint: string;
  body(carry: Carry): unknown;
  carry(carry: Carry, answer: unknown): Carry;
}

interface Extracted {
  document_id: string;
  text: string;
  pages: number;
}

const doc = (c: Carry) => c.doc as Extracted;

export const RAW_CHAIN: readonly Link[] = [
  { endpoint: 'v1/extract', body: (c) => ({ document: c.document }), carry: (_c, a) => ({ doc: a }) },
  {
    endpoint: 'v1/classify-sections',
    body: (c) => ({ document_id: doc(c).document_id, text: doc(c).text }),
    carry: (c, a) => ({ ...c, sections: (a as { sections: unknown }).sections }),
  },
  {
    endpoint: 'v1/extract-logo',
    body: (c) => ({ document_id: doc(c).document_id, pages: doc(c).pages }),
    carry: (c, a) => ({ ...c, logo: (a as { logo: unknown }).logo }),
  },
  {
    endpoint: 'v1/validate',
    body: (c) => ({ document_id: doc(c).document_id, sections: c.sections, logo: c.logo }),
    carry: (c) => c,
  },
];

/** The document each request submits, the same for Flashflow and the baseline. */
export function benchDocument(id: string): { id: string; title: string; pages: string[] } {
  return {
    id,
    title: `Catalogue ${id}`,
    pages: [
      'ACME Tools Catalogue 2026\nIntroduction\nHand tools for workshops and schools.',
      'Contact\nsales@acme.example, +33 1 23 45 67 89\nReferences\nISO 9001 certified.',
    ],
  };
}
