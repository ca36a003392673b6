// Zod errors as one readable line, for import errors and task failures that end up in a single log line.
import type { z } from 'zod';

export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
