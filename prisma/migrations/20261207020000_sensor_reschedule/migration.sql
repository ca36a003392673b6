-- Sensors in reschedule mode (ADR 0022): a try whose poke was rescheduled remembers when its first poke started.
-- The sensor's timeout counts from there, and queueing the try's next poke keeps its try number.
ALTER TABLE "task_instance" ADD COLUMN "first_poke_at" TIMESTAMPTZ(3);
