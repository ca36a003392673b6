// The email operator (Airflow's EmailOperator): a message from a pipeline over the SMTP server of an `smtp`
// connection (default `smtp_default`, the one e-mail alerts fall back to), optionally with files tasks of the same
// run wrote to their artifacts folders:
//   d.task('send_report', email({ to: 'ml@example.com', subject: 'Model report {{ ds }}',
//     html: '<p>Accuracy: {{ inputs.accuracy }}</p>', attach: [{ task: 'report', file: 'report.html' }] }))
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { SMTP_CONN_ID } from '../hooks/smtp-settings';
import { checkedSpec } from './checked-spec';
import { templatedText as templated } from './message-template';

const addresses = z.union([z.email(), z.array(z.email()).min(1)]).transform((a) => (Array.isArray(a) ? a : [a]));

/** A file by name in a task's artifacts folder of this run: no path may lead out of it. */
const attachment = z
  .object({
    /** The task that wrote it; default this task. */
    task: z.string().min(1).optional(),
    file: z
      .string()
      .min(1)
      .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'must be a path inside the task\'s artifacts folder'),
    /** Mapped tasks: which instance; default the unmapped task. */
    mapIndex: z.number().int().min(-1).default(-1),
  })
  .strict();

export const emailSchema = z
  .object({
    connId: connIdSchema.default(SMTP_CONN_ID),
    to: addresses,
    cc: addresses.optional(),
    bcc: addresses.optional(),
    subject: templated.refine((t) => t.trim() !== '', 'must not be empty'),
    /** The body as HTML (values escaped) and/or plain text; at least one. */
    html: templated.optional(),
    text: templated.optional(),
    attach: z.array(attachment).max(20).default([]),
  })
  .strict()
  .refine((a) => a.html !== undefined || a.text !== undefined, 'give html or text (or both) for the body');

export type EmailArgs = z.input<typeof emailSchema>;

export interface EmailResult {
  messageId: string | null;
  to: string[];
  attached: string[];
}

export const email = (args: EmailArgs): OperatorSpec<EmailResult> => checkedSpec('email', emailSchema, args);
