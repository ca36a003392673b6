-- Every alert Flashflow raised (email, Slack, webhook): written 'pending' before delivery and updated after, or
-- 'skipped' with the reason when no channel could carry it, so users see what was (or would have been) sent.
-- An audit log like llm_attempt: no foreign keys, so it outlives cleared runs. Hand-written to match
-- prisma/schema.prisma; tests/integration/store-migrations.test.ts checks that they agree.

-- CreateTable
CREATE TABLE "notification" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "recipient" TEXT,
    "kind" TEXT NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "try_number" INTEGER NOT NULL DEFAULT 0,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_created_at_idx" ON "notification"("created_at");

-- CreateIndex
CREATE INDEX "notification_dag_id_run_id_task_id_map_index_idx" ON "notification"("dag_id", "run_id", "task_id", "map_index");

-- CreateIndex
CREATE INDEX "notification_status_idx" ON "notification"("status");
