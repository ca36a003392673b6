// `ctx.services.connections.get`: how a hook obtains its connection inside a task, by asking the process that owns
// the database, never by opening it (DESIGN.md §1). The answer carries secrets in clear: the runner masks them in
// the try's log (secret-masker.ts).
import { z } from 'zod';
import { service } from '../engine/service-contract';

/** A connection as hooks receive it (Airflow's fields, snake_case). */
export const connectionSchema = z.object({
  conn_id: z.string(),
  conn_type: z.string(),
  description: z.string().nullable(),
  host: z.string().nullable(),
  schema: z.string().nullable(),
  login: z.string().nullable(),
  password: z.string().nullable(),
  port: z.number().int().nullable(),
  /** A JSON object as text (Airflow's `extra`). */
  extra: z.string().nullable(),
});

export const connectionServiceContracts = {
  /** The connection with its secrets in clear, or null when it is defined nowhere. */
  get: service({ input: z.object({ connId: z.string().min(1) }), output: connectionSchema.nullable(), readOnly: true }),
};
