// The `bash` operator as DAG files use it: `d.task('load', bash({ command: 'make load' }))`.
// Arguments are checked when the DAG file is imported, so a mistake shows up as an import error.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { formatZodIssues } from '../kernel/zod-issues';

export const bashArgsSchema = z
  .object({
    command: z.string().refine((s) => s.trim() !== '', 'must not be empty'),
    /** Environment of the command. Replaces the inherited one unless `appendEnv` is true (Airflow's rule). */
    env: z.record(z.string(), z.string()).optional(),
    /** Working directory; by default a fresh temporary directory, removed afterwards. */
    cwd: z.string().min(1).optional(),
    appendEnv: z.boolean().optional(),
    /** Exit codes that end the try as skipped rather than failed (Airflow's `skip_on_exit_code`, default 99). */
    skipOnExitCode: z.union([z.number().int(), z.array(z.number().int())]).nullable().optional(),
    /**
     * Connections handed to the command as variables: `{ FTP: 'ftp_default' }` sets FTP_HOST, FTP_PORT, FTP_LOGIN,
     * FTP_PASSWORD, FTP_SCHEMA and FTP_EXTRA (empty when unset) from connection `ftp_default`, read when the try
     * starts; its secrets are masked in the log.
     */
    connections: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'use an upper-case variable prefix such as FTP'), z.string().min(1)).optional(),
  })
  .strict();

export type BashArgs = z.input<typeof bashArgsSchema>;

export function bash(args: BashArgs): OperatorSpec<string | null> {
  const parsed = bashArgsSchema.safeParse(args);
  if (!parsed.success) throw new Error(`bash(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: 'bash', args: parsed.data };
}
