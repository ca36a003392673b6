-- Honest LLM figures (issue 15). Each attempt says what became of it: 'valid', 'invalid' (the model answered but
-- broke a rule) or 'provider_error' (no answer: timeout, 429, auth, 5xx…), so an outage no longer reads as the
-- model failing to comply. It follows from the columns already stored: an attempt with an error got no answer.
ALTER TABLE "llm_attempt" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT 'invalid';

-- How many HTTP requests the attempt made (transport retries and capability fallbacks included) and how long it
-- waited between them; latency_ms is from now on the whole attempt, requests and waits together. NULL on rows
-- recorded before they were measured (their latency_ms is the last request only).
ALTER TABLE "llm_attempt" ADD COLUMN "request_count" INTEGER;
ALTER TABLE "llm_attempt" ADD COLUMN "retry_wait_ms" INTEGER;

-- A card attempt stored as valid must have fitted its limit. The server now refuses one that does not; any such row
-- from before is marked for what it is, with the reasons it broke, so the constraint below holds for every row.
UPDATE "llm_attempt"
   SET "valid" = false,
       "reason_codes" = to_jsonb(array_remove(ARRAY[
         CASE WHEN "example_length" IS NULL OR "translation_length" IS NULL THEN 'schema_mismatch' END,
         CASE WHEN "example_length" >= "max_chars" THEN 'example_too_long' END,
         CASE WHEN "translation_length" >= "max_chars" THEN 'translation_too_long' END], NULL))
 WHERE "valid" AND "max_chars" > 0
   AND NOT ("example_length" IS NOT NULL AND "translation_length" IS NOT NULL
            AND "example_length" < "max_chars" AND "translation_length" < "max_chars");

UPDATE "llm_attempt"
   SET "outcome" = CASE WHEN "valid" THEN 'valid' WHEN "error" IS NOT NULL THEN 'provider_error' ELSE 'invalid' END;
ALTER TABLE "llm_attempt" ALTER COLUMN "outcome" DROP DEFAULT;

ALTER TABLE "llm_attempt" ADD CONSTRAINT "llm_attempt_outcome_check"
  CHECK ("outcome" IN ('valid', 'invalid', 'provider_error')
         AND ("outcome" = 'valid') = "valid"
         AND ("outcome" = 'provider_error') = ("error" IS NOT NULL));

-- max_chars 0 is a general LLM task (no length rule); above it, a valid card's lengths are both measured and short.
ALTER TABLE "llm_attempt" ADD CONSTRAINT "llm_attempt_valid_length_check"
  CHECK (NOT "valid" OR "max_chars" = 0
         OR ("example_length" IS NOT NULL AND "translation_length" IS NOT NULL
             AND "example_length" < "max_chars" AND "translation_length" < "max_chars"));
