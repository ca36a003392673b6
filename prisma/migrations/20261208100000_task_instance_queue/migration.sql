-- Task queues (ADR 0028): each task instance is queued on its task's queue (Airflow's TaskInstance.queue), and the
-- active scheduler records the workers its executor sees, with the queues they serve, so the UI can say when a
-- queued try waits on a queue no running worker serves. Rows from before this migration were on the default queue.
ALTER TABLE "task_instance" ADD COLUMN "queue" TEXT NOT NULL DEFAULT 'default';

CREATE TABLE "worker" (
    "name" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "queues" JSONB,
    "slots" INTEGER NOT NULL,
    "last_heartbeat" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "worker_pkey" PRIMARY KEY ("name")
);
