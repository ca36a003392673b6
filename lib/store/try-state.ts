// Where one task instance stands now (state and try number), which a service call from a try checks before it
// changes anything: a call from a try that has ended or been superseded must be refused.
import type { SqlClient } from './database';

export async function currentTry(sql: SqlClient, tiId: string): Promise<{ state: string; try_number: number } | null> {
  const [ti] = await sql.query<{ state: string; try_number: number }>('SELECT state, try_number FROM task_instance WHERE id = $1', [tiId]);
  return ti ?? null;
}
