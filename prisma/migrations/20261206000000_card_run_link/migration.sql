-- The run that lists a card for generation, and the card's place in that run's mapped generate_card task: the link
-- between a deck and its runs, recorded when the run's parse_vocabulary lists the words, so the deck page reads it
-- instead of scanning the run's XComs for the deck id. Hand-written to match prisma/schema.prisma;
-- tests/integration/store-migrations.test.ts checks that they agree.

-- AlterTable
ALTER TABLE "card" ADD COLUMN "dag_run_id" INTEGER,
ADD COLUMN "map_index" INTEGER;

-- CreateIndex
CREATE INDEX "card_dag_run_id_map_index_idx" ON "card"("dag_run_id", "map_index");

-- AddForeignKey
ALTER TABLE "card" ADD CONSTRAINT "card_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
