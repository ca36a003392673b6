-- The pool the flashcard workflow's LLM calls run in (DESIGN.md §4: 4 slots by default), so a deck of 500
-- words does not send 500 requests at once. Resize it like any pool; it is not recreated once deleted.
INSERT INTO "pool" ("pool", "slots", "description", "include_deferred")
VALUES ('llm', 4, 'LLM calls of the flashcard workflow', false)
ON CONFLICT ("pool") DO NOTHING;
