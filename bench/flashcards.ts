// The flashcard issue's benchmark: 200 words against an OpenAI-compatible server answering in 100 ms, with
// the llm pool at 8 slots. Wall time beside the ideal bound (200 × 0.1 s / 8 = 2.5 s), and the engine's
// own cost per attempt inside the task (validation, recording, service calls): task time minus LLM time.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../lib/executors/local/fork-runner';
import type { Runtime } from '../lib/runtime/start-runtime';
import { triggerDagRun } from '../lib/store/trigger-dag-run';
import { benchWords } from './bench-words';
import { withBenchRuntime } from './scheduler-throughput';

const WORKFLOWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows');

export interface FlashcardBench {
  wallS: number;
  idealS: number;
  overheadPerAttemptMs: number;
  attempts: number;
  /** Mean time of the model calls as the client measured them (the fake answers in `latencyMs`). */
  meanCallMs: number;
  /** Mean wait of a word between its upstream's end or its slot freeing and its start. */
  meanQueueMs: number;
  /** The cold first run of WARM_UP_WORDS words, right after start. */
  warmUpS: number;
}

export const WARM_UP_WORDS = 8;

/** Triggers a french_flashcards run and waits for it. Its end is the run's end_date, set by the scheduler, not
 *  when this loop noticed, so the loop can look rarely and stay out of the engine's way (it shares the database
 *  and the event loop). */
async function runToEnd(rt: Runtime, conf: Record<string, unknown>): Promise<{ run: { runId: string }; started: Date; endedAt: Date }> {
  const started = new Date();
  const run = await triggerDagRun(rt.db.sql, { dagId: 'french_flashcards', conf }, started);
  rt.scheduler.wake();
  for (;;) {
    const [r] = await rt.db.sql.query<{ state: string; end_date: Date | null }>(`SELECT state, end_date FROM dag_run WHERE run_id = $1`, [run.runId]);
    if (r!.state === 'failed') throw new Error(`the benchmark run ${run.runId} failed`);
    if (r!.state === 'success') return { run, started, endedAt: r!.end_date! };
    await new Promise((res) => setTimeout(res, 100));
  }
}

export async function measureFlashcards(words = 200, latencyMs = 100, slots = 8): Promise<FlashcardBench> {
  const vocabulary = benchWords(words);
  const server = forkTypeScript(fileURLToPath(new URL('./fake-llm-process.ts', import.meta.url)), { args: [String(words), String(latencyMs)] });
  server.stdout?.resume();
  server.stderr?.resume();
  const fake = await new Promise<{ baseUrl: string }>((resolve) => server.once('message', (m) => resolve(m as { baseUrl: string })));
  try {
    return await withBenchRuntime(async (rt) => {
      await rt.db.sql.query(`UPDATE pool SET slots = $1 WHERE pool = 'llm'`, [slots]);
      // A server has loaded the DAG file in its runners and warmed its code paths long before someone pastes a
      // vocabulary; measure that state. The cold first run (a runner importing the DAG file and the openai
      // package takes ≈ 0.5 s) is reported on its own line.
      const warm = await runToEnd(rt, { deck_name: 'Warm-up', vocabulary: benchWords(WARM_UP_WORDS).join('\n') });
      const { run, started, endedAt } = await runToEnd(rt, { deck_name: 'Bench', vocabulary: vocabulary.join('\n') });
      const wallS = (endedAt.getTime() - started.getTime()) / 1000;
      const [o] = await rt.db.sql.query<{ task_ms: number; llm_ms: number; attempts: number; queue_ms: number }>(
        `SELECT (SELECT sum(duration) * 1000 FROM task_instance WHERE run_id = $1 AND task_id = 'generate_card')::float8 AS task_ms,
                (SELECT avg(EXTRACT(EPOCH FROM start_date - queued_at)) * 1000 FROM task_instance WHERE run_id = $1 AND task_id = 'generate_card')::float8 AS queue_ms,
                (SELECT sum(latency_ms) FROM llm_attempt WHERE run_id = $1)::float8 AS llm_ms,
                (SELECT count(*) FROM llm_attempt WHERE run_id = $1)::int AS attempts`,
        [run.runId],
      );
      return {
        wallS,
        warmUpS: (warm.endedAt.getTime() - warm.started.getTime()) / 1000,
        idealS: (words * latencyMs) / 1000 / slots,
        overheadPerAttemptMs: (o!.task_ms - o!.llm_ms) / o!.attempts,
        attempts: o!.attempts,
        meanCallMs: o!.llm_ms / o!.attempts,
        meanQueueMs: o!.queue_ms,
      };
    }, { FLASHFLOW_DAGS_FOLDER: WORKFLOWS, OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-bench', FLASHFLOW_LLM_MODEL: 'fake-model' });
  } finally {
    server.kill();
  }
}
