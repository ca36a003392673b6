// Watches every state change the store makes, whatever statement makes it: a trigger on task_instance and dag_run
// records each (from → to) with its cause, and the checks below hold them against the transition table and the
// history rows. The cause is what the test says it is doing: a person's action runs inside `asPerson`.
import type { SqlClient } from '../../lib/store/database';
import {
  DAG_RUN_INITIAL_STATE,
  runTransition,
  SCHEDULER_MOVES,
  TASK_INITIAL_STATE,
  transition,
  type DagRunState,
  type TaskState,
  type TransitionCause,
} from '../../lib/engine/task-states';

interface AuditRow {
  kind: 'task_instance' | 'dag_run';
  cause: TransitionCause;
  row_id: string;
  from_state: string | null;
  to_state: string;
}

/** Installs the trigger; changes made before it are not seen. */
export async function installStateAudit(sql: SqlClient): Promise<void> {
  await sql.exec(`
    CREATE TABLE state_audit (
      id serial PRIMARY KEY, kind text NOT NULL, cause text NOT NULL, row_id text NOT NULL, from_state text, to_state text NOT NULL);
    CREATE FUNCTION state_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM NEW.state THEN
        INSERT INTO state_audit (kind, cause, row_id, from_state, to_state)
        VALUES (TG_TABLE_NAME, coalesce(nullif(current_setting('flashflow_test.cause', true), ''), 'scheduler'), NEW.id::text,
                CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END, NEW.state);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER task_instance_state_audit AFTER INSERT OR UPDATE ON task_instance
      FOR EACH ROW EXECUTE FUNCTION state_audit_row();
    CREATE TRIGGER dag_run_state_audit AFTER INSERT OR UPDATE ON dag_run
      FOR EACH ROW EXECUTE FUNCTION state_audit_row();`);
}

/**
 * Runs what a person does (clear, mark) with its changes attributed to them. The scheduler must be idle meanwhile
 * (the engine harness's settle()), as it shares the one connection of the embedded database.
 */
export async function asPerson<T>(sql: SqlClient, action: () => Promise<T>): Promise<T> {
  await sql.query(`SELECT set_config('flashflow_test.cause', 'manual', false)`);
  try {
    return await action();
  } finally {
    await sql.query(`SELECT set_config('flashflow_test.cause', 'scheduler', false)`);
  }
}

const describe = (r: AuditRow) => `${r.cause} ${r.kind} ${r.row_id}: ${r.from_state ?? '(created)'} → ${r.to_state}`;

/** Every observed change the table does not allow, as readable lines (none is the expected answer). */
export async function changesOutsideTheTable(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<AuditRow>(`SELECT kind, cause, row_id, from_state, to_state FROM state_audit ORDER BY id`);
  return rows.filter((r) => !isLegal(r)).map(describe);
}

function isLegal(r: AuditRow): boolean {
  if (r.kind === 'task_instance') {
    if (r.from_state === null) return r.to_state === TASK_INITIAL_STATE;
    return transition(r.from_state as TaskState, r.to_state as TaskState, r.cause).ok;
  }
  if (r.from_state === null) return r.to_state === DAG_RUN_INITIAL_STATE;
  return runTransition(r.from_state as DagRunState, r.to_state as DagRunState, r.cause).ok;
}

/**
 * Task-instance changes that must each have exactly one history row — every try's end and every change a person
 * makes — compared with the history rows there are. Lines name what is missing or extra (none is expected).
 */
export async function historyMismatches(sql: SqlClient): Promise<string[]> {
  const { finish } = SCHEDULER_MOVES;
  const audit = await sql.query<AuditRow>(
    `SELECT kind, cause, row_id, from_state, to_state FROM state_audit
     WHERE kind = 'task_instance' AND from_state IS NOT NULL
       AND (cause = 'manual' OR (from_state = ANY($1::text[]) AND to_state = ANY($2::text[])))
     ORDER BY id`,
    [finish.from, finish.to],
  );
  const history = await sql.query<AuditRow>(
    `SELECT 'task_instance' AS kind, cause, ti_id::text AS row_id, from_state, state AS to_state
     FROM task_instance_history ORDER BY id`,
  );
  const key = (r: AuditRow) => describe(r);
  const expected = audit.map(key);
  const recorded = history.map(key);
  const missing = [...expected];
  const extra: string[] = [];
  for (const r of recorded) {
    const at = missing.indexOf(r);
    if (at >= 0) missing.splice(at, 1);
    else extra.push(r);
  }
  return [...missing.map((m) => `no history row for ${m}`), ...extra.map((e) => `history row without a change: ${e}`)];
}
