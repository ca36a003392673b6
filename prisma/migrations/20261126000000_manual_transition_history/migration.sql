-- Manual marks and clears are recorded in task_instance_history like the scheduler's try ends (ADR 0021). A try
-- keeps its one row for how it ended (cause 'scheduler'); each later change a person makes to it adds a row
-- (cause 'manual'), so (ti_id, try_number) is no longer unique. from_state is the state the change found; it is
-- unknown (NULL) on rows recorded before this migration.
ALTER TABLE "task_instance_history" ADD COLUMN "from_state" TEXT;
ALTER TABLE "task_instance_history" ADD COLUMN "cause" TEXT NOT NULL DEFAULT 'scheduler';

DROP INDEX "task_instance_history_ti_id_try_number_key";
CREATE INDEX "task_instance_history_ti_id_try_number_idx" ON "task_instance_history"("ti_id", "try_number");
