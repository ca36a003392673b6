-- Flashcards: decks, cards with a stable id (current content + FSRS state), archived card versions, the review log,
-- and every LLM attempt of the flashcard workflow. Hand-written to match prisma/schema.prisma (Prisma's default
-- constraint and index names); tests/integration/store-migrations.test.ts checks that they agree.
-- Runs inside one transaction: no BEGIN/COMMIT here, no CREATE INDEX CONCURRENTLY.

-- CreateTable
CREATE TABLE "deck" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "description" TEXT,
    "level" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card" (
    "id" SERIAL NOT NULL,
    "deck_id" INTEGER NOT NULL,
    "word" TEXT NOT NULL,
    "word_key" TEXT NOT NULL,
    "hint" TEXT,
    "french_word" TEXT,
    "french_example" TEXT,
    "english_word" TEXT,
    "english_translation" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "failure_reasons" JSONB NOT NULL DEFAULT '[]',
    "prompt_version" TEXT,
    "model" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "content_updated_at" TIMESTAMPTZ(3),
    "edited_at" TIMESTAMPTZ(3),
    "source_dag_id" TEXT,
    "source_run_id" TEXT,
    "source_map_index" INTEGER,
    "flagged_at" TIMESTAMPTZ(3),
    "flag_reason" TEXT,
    "due" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stability" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "difficulty" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "elapsed_days" INTEGER NOT NULL DEFAULT 0,
    "scheduled_days" INTEGER NOT NULL DEFAULT 0,
    "learning_steps" INTEGER NOT NULL DEFAULT 0,
    "reps" INTEGER NOT NULL DEFAULT 0,
    "lapses" INTEGER NOT NULL DEFAULT 0,
    "fsrs_state" INTEGER NOT NULL DEFAULT 0,
    "last_review" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_version" (
    "id" SERIAL NOT NULL,
    "card_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "french_word" TEXT NOT NULL,
    "french_example" TEXT NOT NULL,
    "english_word" TEXT NOT NULL,
    "english_translation" TEXT NOT NULL,
    "prompt_version" TEXT,
    "model" TEXT,
    "edited_at" TIMESTAMPTZ(3),
    "source_dag_id" TEXT,
    "source_run_id" TEXT,
    "source_map_index" INTEGER,
    "content_created_at" TIMESTAMPTZ(3),
    "replaced_by" TEXT NOT NULL,
    "replaced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_log" (
    "id" SERIAL NOT NULL,
    "card_id" INTEGER NOT NULL,
    "card_version" INTEGER NOT NULL,
    "rating" INTEGER NOT NULL,
    "state" INTEGER NOT NULL,
    "due" TIMESTAMPTZ(3) NOT NULL,
    "stability" DOUBLE PRECISION NOT NULL,
    "difficulty" DOUBLE PRECISION NOT NULL,
    "elapsed_days" INTEGER NOT NULL,
    "last_elapsed_days" INTEGER NOT NULL,
    "scheduled_days" INTEGER NOT NULL,
    "learning_steps" INTEGER NOT NULL,
    "review" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER,

    CONSTRAINT "review_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "llm_attempt" (
    "id" SERIAL NOT NULL,
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "map_index" INTEGER NOT NULL DEFAULT -1,
    "try_number" INTEGER NOT NULL,
    "deck_id" INTEGER,
    "word" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "prompt_version" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "request_messages" JSONB NOT NULL,
    "raw_response" TEXT,
    "parsed" JSONB,
    "valid" BOOLEAN NOT NULL,
    "reason_codes" JSONB NOT NULL DEFAULT '[]',
    "example_length" INTEGER,
    "translation_length" INTEGER,
    "max_chars" INTEGER NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "llm_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "deck_name_key_key" ON "deck"("name_key");

-- CreateIndex
CREATE INDEX "card_deck_id_due_idx" ON "card"("deck_id", "due");

-- CreateIndex
CREATE INDEX "card_due_idx" ON "card"("due");

-- CreateIndex
CREATE UNIQUE INDEX "card_deck_id_word_key_key" ON "card"("deck_id", "word_key");

-- CreateIndex
CREATE UNIQUE INDEX "card_version_card_id_version_key" ON "card_version"("card_id", "version");

-- CreateIndex
CREATE INDEX "review_log_card_id_review_idx" ON "review_log"("card_id", "review");

-- CreateIndex
CREATE INDEX "review_log_review_idx" ON "review_log"("review");

-- CreateIndex
CREATE INDEX "llm_attempt_created_at_idx" ON "llm_attempt"("created_at");

-- CreateIndex
CREATE INDEX "llm_attempt_model_prompt_version_created_at_idx" ON "llm_attempt"("model", "prompt_version", "created_at");

-- CreateIndex
CREATE INDEX "llm_attempt_dag_id_run_id_task_id_map_index_idx" ON "llm_attempt"("dag_id", "run_id", "task_id", "map_index");

-- CreateIndex
CREATE INDEX "llm_attempt_deck_id_created_at_idx" ON "llm_attempt"("deck_id", "created_at");

-- CreateIndex
CREATE INDEX "llm_attempt_word_idx" ON "llm_attempt"("word");

-- AddForeignKey
ALTER TABLE "card" ADD CONSTRAINT "card_deck_id_fkey" FOREIGN KEY ("deck_id") REFERENCES "deck"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_version" ADD CONSTRAINT "card_version_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "card"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_log" ADD CONSTRAINT "review_log_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "card"("id") ON DELETE CASCADE ON UPDATE CASCADE;
