// The LLM quality dashboard's query (lib/store/llm-stats-aggregate.ts) over 100,000 recorded attempts on a file-backed,
// migrated PGlite: p50/p95 of the whole-history panels and of a one-run filter. `npm run bench` or run this file alone:
//   node --import tsx bench/dashboard-data.ts
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { llmStats } from '../lib/store/llm-stats-aggregate';
import { llmFilterOptions, recentLlmAttempts } from '../lib/store/llm-stats-queries';
import { migrate } from '../lib/store/migrate';
import { openPglite } from '../lib/store/open-pglite';
import { percentile, report } from './report';

export interface DashboardBench {
  attempts: number;
  seedS: number;
  allP50: number;
  allP95: number;
  runP50: number;
  runP95: number;
  /** Everything the dashboard page awaits: the stats, the filters' values and the 25 newest attempts. */
  pageP50: number;
  pageP95: number;
  /** Baseline: one aggregate scan of the whole table (the floor of any panel over all attempts). */
  scanP50: number;
}

/**
 * Seeds `n` attempts: 100 runs of up to 40 words each across 60 days, 3 models and 2 prompt versions, ~30 % of
 * attempts failed: 10 % provider errors (rate limited), the rest refused with one or two reasons, lengths 5–45.
 * Then times `iterations` stats queries of each kind.
 */
export async function measureDashboardData(n = 100_000, iterations = 20): Promise<DashboardBench> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-dashboard-'));
  const db = await openPglite({ dataDir: path.join(dir, 'db') });
  try {
    await migrate(db.sql);
    const seedStarted = performance.now();
    await db.sql.query(
      `INSERT INTO llm_attempt (dag_id, run_id, task_id, map_index, try_number, deck_id, word, attempt, model, provider,
         prompt_version, strategy, request_messages, raw_response, parsed, valid, outcome, reason_codes, example_length,
         translation_length, max_chars, latency_ms, request_count, retry_wait_ms, prompt_tokens, completion_tokens, error,
         created_at)
       SELECT 'french_flashcards', 'manual__' || (i % 100), 'generate_card', (i / 100) % 40, 1 + (i / 4000) % 2, 1 + i % 100,
              'mot' || ((i / 100) % 40), 1 + (i / 8000) % 3,
              (ARRAY['gpt-4o-mini', 'llama3.1', 'mistral'])[1 + i % 3], 'openai-compatible',
              (ARRAY['p1', 'p2'])[1 + i % 2], 'json_schema',
              '[{"role":"system","content":"…"},{"role":"user","content":"Make a card"}]'::jsonb,
              CASE WHEN pe THEN NULL ELSE '{"french_word":"mot"}' END, CASE WHEN pe THEN NULL ELSE '{"french_word":"mot"}'::jsonb END,
              v, CASE WHEN v THEN 'valid' WHEN pe THEN 'provider_error' ELSE 'invalid' END,
              CASE WHEN v THEN '[]'::jsonb
                   WHEN pe THEN '["rate_limited"]'::jsonb
                   WHEN i % 2 = 0 THEN '["example_too_long"]'::jsonb
                   ELSE '["translation_too_long","word_missing_from_example"]'::jsonb END,
              -- A valid card fits its limit (the table's CHECK); refused answers run 5–45.
              CASE WHEN pe THEN NULL WHEN v THEN 5 + (i * 31) % 15 ELSE 5 + (i * 31) % 41 END,
              CASE WHEN pe THEN NULL WHEN v THEN 5 + (i * 17) % 15 ELSE 5 + (i * 17) % 41 END,
              20, 200 + (i * 13) % 3000, CASE WHEN pe THEN 3 ELSE 1 END, CASE WHEN pe THEN 1500 ELSE 0 END,
              150 + i % 50, 30 + i % 20, CASE WHEN pe THEN 'rate limited (HTTP 429)' END,
              now() - ((i % 60) || ' days')::interval - ((i % 1440) || ' minutes')::interval
         FROM (SELECT i, (i * 7919) % 10 >= 3 AS v, (i * 7919) % 10 < 3 AND i % 10 = 0 AS pe
                 FROM generate_series(1, $1::int) AS i) g`,
      [n],
    );
    await db.sql.exec('ANALYZE llm_attempt');
    const seedS = (performance.now() - seedStarted) / 1000;

    const time = async (filter: Parameters<typeof llmStats>[1]): Promise<number[]> => {
      await llmStats(db.sql, filter); // warm-up: plan cache, buffers
      const ms: number[] = [];
      for (let k = 0; k < iterations; k++) {
        const t = performance.now();
        await llmStats(db.sql, filter);
        ms.push(performance.now() - t);
      }
      return ms;
    };
    const scan: number[] = [];
    for (let k = 0; k <= iterations; k++) {
      const t = performance.now();
      await db.sql.query('SELECT count(*), sum(latency_ms) FROM llm_attempt');
      if (k > 0) scan.push(performance.now() - t);
    }
    const all = await time({});
    const run = await time({ runId: 'manual__7' });
    const page: number[] = [];
    for (let k = 0; k <= iterations; k++) {
      const t = performance.now();
      await Promise.all([llmStats(db.sql, {}), llmFilterOptions(db.sql), recentLlmAttempts(db.sql, { limit: 25, offset: 0 })]);
      if (k > 0) page.push(performance.now() - t);
    }
    return {
      attempts: n,
      seedS,
      allP50: percentile(all, 50),
      allP95: percentile(all, 95),
      runP50: percentile(run, 50),
      runP95: percentile(run, 95),
      pageP50: percentile(page, 50),
      pageP95: percentile(page, 95),
      scanP50: percentile(scan, 50),
    };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function reportDashboardData(b: DashboardBench): void {
  const base = { name: 'one full-table aggregate scan p50', value: b.scanP50, unit: 'ms' };
  report({ name: 'dashboard_data_p50_ms', value: b.allP50, unit: 'ms', baseline: base, note: `all panels over ${b.attempts.toLocaleString('en-US')} attempts (seeded in ${b.seedS.toFixed(1)} s)` });
  report({ name: 'dashboard_data_p95_ms', value: b.allP95, unit: 'ms', baseline: base, note: 'one scan with grouping sets' });
  report({ name: 'dashboard_page_data_p95_ms', value: b.pageP95, unit: 'ms', baseline: base, note: `stats + filter values (index walks) + newest attempts, as the page awaits them (p50 ${b.pageP50.toFixed(1)} ms)` });
  report({ name: 'dashboard_data_one_run_p95_ms', value: b.runP95, unit: 'ms', note: `filtered to one of 100 runs (p50 ${b.runP50.toFixed(1)} ms)` });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  reportDashboardData(await measureDashboardData());
}
