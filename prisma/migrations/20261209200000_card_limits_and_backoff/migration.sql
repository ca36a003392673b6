-- The length rule enforced by the database, and the weekly regeneration's back-off (issue 15).
-- deck.max_chars is the limit a deck's cards are generated, checked and regenerated under (the last
-- french_flashcards run that listed its words sets it). Every card with content stores the limit it was checked
-- against and the grapheme lengths the server measured, and a CHECK refuses a card whose lengths break it: a
-- grapheme count cannot exceed the code points of the (NFC) text, so a stored length can only under-report by
-- a lie the server never tells. Hand-written to match prisma/schema.prisma.

-- AlterTable
ALTER TABLE "deck" ADD COLUMN "max_chars" INTEGER NOT NULL DEFAULT 20;
ALTER TABLE "deck" ADD CONSTRAINT "deck_max_chars_range" CHECK ("max_chars" BETWEEN 5 AND 500);

-- AlterTable
ALTER TABLE "card" ADD COLUMN "max_chars" INTEGER,
ADD COLUMN "example_chars" INTEGER,
ADD COLUMN "translation_chars" INTEGER,
ADD COLUMN "failed_regenerations" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "regenerate_after" TIMESTAMPTZ(3);

-- Backfill: a deck's limit is the one of the latest run that listed its cards.
UPDATE "deck" d SET "max_chars" = l.max_chars
  FROM (
    SELECT DISTINCT ON (c."deck_id") c."deck_id",
           -- CASE, not AND: the cast must not run on a value the pattern refused.
           CASE WHEN (r."conf"->>'max_example_chars') ~ '^[0-9]{1,3}$' THEN (r."conf"->>'max_example_chars')::int END AS max_chars
      FROM "card" c JOIN "dag_run" r ON r."id" = c."dag_run_id"
     WHERE (r."conf"->>'max_example_chars') ~ '^[0-9]{1,3}$'
     ORDER BY c."deck_id", r."id" DESC
  ) l
 WHERE d."id" = l."deck_id" AND l.max_chars BETWEEN 5 AND 500;

-- Cards stored before the server measured them: code points (an upper bound of graphemes; equal for French text),
-- against the limit of the run that generated them, else the deck's.
UPDATE "card" c SET
  "example_chars" = char_length(c."french_example"),
  "translation_chars" = char_length(c."english_translation"),
  "max_chars" = coalesce(
    (SELECT CASE WHEN (r."conf"->>'max_example_chars') ~ '^[0-9]{1,3}$' THEN (r."conf"->>'max_example_chars')::int END
       FROM "dag_run" r WHERE r."run_id" = c."source_run_id" AND r."dag_id" = c."source_dag_id" LIMIT 1),
    (SELECT d."max_chars" FROM "deck" d WHERE d."id" = c."deck_id"))
 WHERE c."french_example" IS NOT NULL;

-- A stored card that breaks its limit (only the runner had checked it) is flagged for the weekly regeneration, and
-- records the length it has so the CHECK below holds.
UPDATE "card" SET
  "flagged_at" = coalesce("flagged_at", now()),
  "flag_reason" = coalesce("flag_reason", 'Longer than the deck''s limit (stored before the server checked lengths).'),
  "max_chars" = greatest("example_chars", "translation_chars") + 1
 WHERE "french_example" IS NOT NULL AND greatest("example_chars", "translation_chars") >= "max_chars";

ALTER TABLE "card" ADD CONSTRAINT "card_content_within_limit" CHECK (
  "french_example" IS NULL OR (
    "max_chars" IS NOT NULL AND "example_chars" IS NOT NULL AND "translation_chars" IS NOT NULL
    AND "example_chars" < "max_chars" AND "translation_chars" < "max_chars"
    AND "example_chars" BETWEEN 1 AND char_length("french_example")
    AND "translation_chars" BETWEEN 1 AND char_length("english_translation")
  )
);
