-- Which asset events a run consumed (Airflow's dagrun_dataset_event): an asset-triggered run reads the events that
-- caused it (their `extra` carries what the producer made, e.g. where a batch is), and its page links back to the
-- runs that produced them. Hand-written to match prisma/schema.prisma; tests/integration/store-migrations.test.ts
-- checks that they agree.

-- CreateTable
CREATE TABLE "dag_run_asset_event" (
    "dag_run_id" INTEGER NOT NULL,
    "event_id" INTEGER NOT NULL,

    CONSTRAINT "dag_run_asset_event_pkey" PRIMARY KEY ("dag_run_id","event_id")
);

-- CreateIndex
CREATE INDEX "dag_run_asset_event_event_id_idx" ON "dag_run_asset_event"("event_id");

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "asset_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
