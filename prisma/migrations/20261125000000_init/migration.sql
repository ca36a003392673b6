-- Flashflow metadata schema, first version. Hand-written to match prisma/schema.prisma (Prisma's default
-- constraint and index names, so a real `prisma migrate diff` would find nothing to change);
-- tests/integration/store-migrations.test.ts checks that they agree.
-- Runs inside one transaction: no BEGIN/COMMIT here, no CREATE INDEX CONCURRENTLY.

-- CreateTable
CREATE TABLE "dag" (
    "dag_id" TEXT NOT NULL,
    "fileloc" TEXT NOT NULL,
    "serialized" JSONB NOT NULL,
    "version_hash" TEXT NOT NULL,
    "is_paused" BOOLEAN NOT NULL DEFAULT false,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "schedule" TEXT,
    "description" TEXT,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "owners" JSONB NOT NULL DEFAULT '[]',
    "max_active_runs" INTEGER NOT NULL DEFAULT 16,
    "max_active_tasks" INTEGER NOT NULL DEFAULT 16,
    "next_dagrun" TIMESTAMPTZ(3),
    "next_dagrun_data_interval_start" TIMESTAMPTZ(3),
    "next_dagrun_data_interval_end" TIMESTAMPTZ(3),
    "next_dagrun_create_after" TIMESTAMPTZ(3),
    "last_parsed_time" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_pkey" PRIMARY KEY ("dag_id")
);

-- CreateTable
CREATE TABLE "import_error" (
    "id" SERIAL NOT NULL,
    "filename" TEXT NOT NULL,
    "stacktrace" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_error_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dag_run" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "run_type" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "logical_date" TIMESTAMPTZ(3) NOT NULL,
    "data_interval_start" TIMESTAMPTZ(3) NOT NULL,
    "data_interval_end" TIMESTAMPTZ(3) NOT NULL,
    "conf" JSONB NOT NULL DEFAULT '{}',
    "queued_at" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3),
    "end_date" TIMESTAMPTZ(3),
    "external_trigger" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,
    "failure_reason" TEXT,
    "last_scheduling_decision" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_instance" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "state" TEXT NOT NULL DEFAULT 'none',
    "try_number" INTEGER NOT NULL DEFAULT 0,
    "max_tries" INTEGER NOT NULL DEFAULT 0,
    "operator" TEXT NOT NULL DEFAULT 'function',
    "pool" TEXT NOT NULL DEFAULT 'default_pool',
    "pool_slots" INTEGER NOT NULL DEFAULT 1,
    "priority_weight" INTEGER NOT NULL DEFAULT 1,
    "queued_at" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3),
    "end_date" TIMESTAMPTZ(3),
    "duration" DOUBLE PRECISION,
    "next_retry_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "hostname" TEXT,
    "pid" INTEGER,
    "last_error" TEXT,
    "note" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "task_instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_instance_history" (
    "id" SERIAL NOT NULL,
    "ti_id" UUID NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL,
    "try_number" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "queued_at" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3),
    "end_date" TIMESTAMPTZ(3),
    "duration" DOUBLE PRECISION,
    "hostname" TEXT,
    "pid" INTEGER,
    "error" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_instance_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_log" (
    "id" SERIAL NOT NULL,
    "ti_id" UUID NOT NULL,
    "try_number" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xcom" (
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "key" TEXT NOT NULL DEFAULT 'return_value',
    "value" JSONB NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xcom_pkey" PRIMARY KEY ("dag_id","run_id","task_id","map_index","key")
);

-- CreateTable
CREATE TABLE "pool" (
    "pool" TEXT NOT NULL,
    "slots" INTEGER NOT NULL,
    "description" TEXT,
    "include_deferred" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "pool_pkey" PRIMARY KEY ("pool")
);

-- CreateTable
CREATE TABLE "callback_request" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "try_number" INTEGER NOT NULL DEFAULT 0,
    "fileloc" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "callback_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_event" (
    "id" SERIAL NOT NULL,
    "uri" TEXT NOT NULL,
    "source_dag_id" TEXT,
    "source_run_id" TEXT,
    "source_task_id" TEXT,
    "source_map_index" INTEGER NOT NULL DEFAULT -1,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_dag_run_queue" (
    "uri" TEXT NOT NULL,
    "target_dag_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_dag_run_queue_pkey" PRIMARY KEY ("uri","target_dag_id")
);

-- CreateTable
CREATE TABLE "variable" (
    "key" TEXT NOT NULL,
    "val" TEXT NOT NULL,
    "description" TEXT,
    "is_encrypted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "variable_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "connection" (
    "conn_id" TEXT NOT NULL,
    "conn_type" TEXT NOT NULL,
    "description" TEXT,
    "host" TEXT,
    "schema" TEXT,
    "login" TEXT,
    "password" TEXT,
    "port" INTEGER,
    "extra" TEXT,
    "is_encrypted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "connection_pkey" PRIMARY KEY ("conn_id")
);

-- CreateTable
CREATE TABLE "log" (
    "id" SERIAL NOT NULL,
    "dttm" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dag_id" TEXT,
    "task_id" TEXT,
    "run_id" TEXT,
    "map_index" INTEGER,
    "try_number" INTEGER,
    "event" TEXT NOT NULL,
    "owner" TEXT,
    "extra" TEXT,

    CONSTRAINT "log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job" (
    "id" SERIAL NOT NULL,
    "job_type" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "start_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "end_date" TIMESTAMPTZ(3),
    "latest_heartbeat" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "import_error_filename_key" ON "import_error"("filename");

-- CreateIndex
CREATE INDEX "dag_run_dag_id_logical_date_idx" ON "dag_run"("dag_id", "logical_date");

-- CreateIndex
CREATE INDEX "dag_run_state_idx" ON "dag_run"("state");

-- CreateIndex
CREATE UNIQUE INDEX "dag_run_dag_id_run_id_key" ON "dag_run"("dag_id", "run_id");

-- CreateIndex
CREATE INDEX "task_instance_state_idx" ON "task_instance"("state");

-- CreateIndex
CREATE INDEX "task_instance_dag_id_run_id_idx" ON "task_instance"("dag_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "task_instance_dag_id_run_id_task_id_map_index_key" ON "task_instance"("dag_id", "run_id", "task_id", "map_index");

-- CreateIndex
CREATE INDEX "task_instance_history_dag_id_run_id_idx" ON "task_instance_history"("dag_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "task_instance_history_ti_id_try_number_key" ON "task_instance_history"("ti_id", "try_number");

-- CreateIndex
CREATE INDEX "task_log_ti_id_try_number_id_idx" ON "task_log"("ti_id", "try_number", "id");

-- CreateIndex
CREATE INDEX "callback_request_state_idx" ON "callback_request"("state");

-- CreateIndex
CREATE INDEX "asset_event_uri_timestamp_idx" ON "asset_event"("uri", "timestamp");

-- CreateIndex
CREATE INDEX "log_dttm_idx" ON "log"("dttm");

-- CreateIndex
CREATE INDEX "job_job_type_latest_heartbeat_idx" ON "job"("job_type", "latest_heartbeat");

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_instance" ADD CONSTRAINT "task_instance_dag_id_run_id_fkey" FOREIGN KEY ("dag_id", "run_id") REFERENCES "dag_run"("dag_id", "run_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_log" ADD CONSTRAINT "task_log_ti_id_fkey" FOREIGN KEY ("ti_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "xcom" ADD CONSTRAINT "xcom_dag_id_run_id_fkey" FOREIGN KEY ("dag_id", "run_id") REFERENCES "dag_run"("dag_id", "run_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seed: Airflow's default pool, which every task uses unless it names another.
INSERT INTO "pool" ("pool", "slots", "description") VALUES ('default_pool', 128, 'Default pool');
