-- The dashboard's filter values without reading every attempt (issue 15: page data over 100,000 attempts ≤ 300 ms):
-- each list walks an index from one distinct value to the next (lib/store/llm-stats-queries.ts, distinctByIndex).
-- Models walk the existing (model, prompt_version, created_at); a run's latest attempt is one backward probe of
-- (dag_id, run_id, created_at).
CREATE INDEX "llm_attempt_prompt_version_idx" ON "llm_attempt"("prompt_version");

CREATE INDEX "llm_attempt_strategy_idx" ON "llm_attempt"("strategy");

CREATE INDEX "llm_attempt_dag_id_task_id_idx" ON "llm_attempt"("dag_id", "task_id");

CREATE INDEX "llm_attempt_dag_id_run_id_created_at_idx" ON "llm_attempt"("dag_id", "run_id", "created_at");
