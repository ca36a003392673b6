import Link from 'next/link';
import { llmStats } from '@/lib/store/llm-stats-aggregate';
import { getRuntime } from '@/lib/runtime/app-context';
import { llmFilterOptions, recentLlmAttempts } from '@/lib/store/llm-stats-queries';
import { DashboardCharts } from './dashboard-charts';
import { OutcomeBadge } from './outcome-badge';
import { EVERY_DAG, parseDashboardFilter } from './dashboard-filter';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'LLM quality · Flashflow' };

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(x === 1 || x === 0 ? 0 : 1)} %`);
const ms = (x: number | null) => (x === null ? '–' : `${Math.round(x).toLocaleString('en-US')} ms`);
const words = (n: number) => `${n} ${n === 1 ? 'word' : 'words'}`;
const rejectedLine = (n: number) => `${words(n)} rejected before any call`;
const num = (x: number | null, digits = 0) => (x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits }));

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { values, filter, errors } = parseDashboardFilter(await searchParams);
  const rt = getRuntime();
  const [stats, options, recent] = await Promise.all([
    llmStats(rt.db.sql, filter),
    llmFilterOptions(rt.db.sql),
    recentLlmAttempts(rt.db.sql, { ...filter, limit: 25, offset: 0 }),
  ]);
  const select = (name: keyof typeof values, label: string, items: Array<{ value: string; label: string }>, emptyLabel = 'all') => (
    <label>
      {label}
      <select name={name} defaultValue={values[name] ?? ''}>
        <option value="">{emptyLabel}</option>
        {items.map((i) => <option key={i.value} value={i.value}>{i.label}</option>)}
      </select>
      {errors[name] && <span className="field-error">{label}: {errors[name]}</span>}
    </label>
  );
  const dagIds = [...new Set(options.tasks.map((t) => t.dagId))];
  const taskDags = new Map<string, string[]>();
  for (const t of options.tasks) taskDags.set(t.taskId, [...(taskDags.get(t.taskId) ?? []), t.dagId]);
  const w = stats.words;
  const a = stats.attempts;
  return (
    <>
      <h1>LLM quality</h1>
      <form className="filters" method="get" data-testid="dashboard-filters">
        {select('model', 'Model', options.models.map((m) => ({ value: m, label: m })))}
        {select('prompt_version', 'Prompt version', options.promptVersions.map((p) => ({ value: p, label: p.slice(0, 12) })))}
        {select('strategy', 'Strategy', options.strategies.map((s) => ({ value: s, label: s })))}
        {select('deck_id', 'Deck', options.decks.map((d) => ({ value: String(d.id), label: d.name })))}
        {select('dag_id', 'DAG', [{ value: EVERY_DAG, label: 'every LLM task' }, ...dagIds.map((d) => ({ value: d, label: d }))], 'flashcard tasks')}
        {select('task_id', 'Task', [...taskDags].map(([t, dags]) => ({ value: t, label: `${t} (${dags.join(', ')})` })))}
        {select('dag_run_id', 'Run', options.runs.map((r) => ({ value: r.runId, label: r.runId })))}
        <label>From<input type="date" name="from" defaultValue={values.from ?? ''} />{errors.from && <span className="field-error">From: {errors.from}</span>}</label>
        <label>To<input type="date" name="to" defaultValue={values.to ?? ''} />{errors.to && <span className="field-error">To: {errors.to}</span>}</label>
        <div className="ff-actions"><button type="submit" className="primary">Apply</button><Link href="/dashboard" className="button">Reset</Link></div>
      </form>
      <section className="cards stats" data-testid="stats">
        <div className="card"><h2>First-attempt compliance</h2><div className="big" data-testid="first-attempt-compliance">{pct(w.first_attempt_compliance)}</div><small>{w.first_attempt_valid} of {w.attempted} words right first time</small></div>
        <div className="card"><h2>Final compliance</h2><div className="big" data-testid="final-compliance">{pct(w.final_compliance)}</div><small><span data-testid="final-valid">{w.final_valid}</span> valid of <span data-testid="words-attempted">{w.attempted}</span> words{w.rejected_before_call > 0 && <> · <span data-testid="rejected-before-call">{rejectedLine(w.rejected_before_call)}</span></>}{w.without_answer > 0 && <> · <span data-testid="words-without-answer">{words(w.without_answer)} never answered</span></>}</small></div>
        <div className="card"><h2>Attempts</h2><div className="big" data-testid="attempts-total">{a.total}</div><small>{a.valid} valid of {a.answered} answered · {num(w.attempted ? a.answered / w.attempted : null, 2)} answers per word</small></div>
        {/* Not compliance: the provider gave no answer (timeout, rate limit, auth, 5xx), so the model was not judged. */}
        <div className="card"><h2>Provider errors</h2><div className="big" data-testid="provider-error-rate">{pct(a.provider_error_rate)}</div><small><span data-testid="provider-errors">{a.provider_errors}</span> of {a.total} attempts got no answer · not counted in compliance</small></div>
        <div className="card"><h2>Latency</h2><div className="big" data-testid="latency-p50">{ms(a.latency_p50_ms)}</div><small>p50 · p95 <span data-testid="latency-p95">{ms(a.latency_p95_ms)}</span></small></div>
        <div className="card"><h2>Tokens</h2><div className="big" data-testid="tokens-total">{num(a.prompt_tokens + a.completion_tokens)}</div><small>{num(a.prompt_tokens)} prompt · {num(a.completion_tokens)} completion · {num(w.tokens_per_valid_card)} per valid card</small></div>
      </section>
      <DashboardCharts stats={stats} />
      <section className="panel">
        <h2>Latest attempts</h2>
        {recent.length === 0 ? <p className="muted">No attempts match.</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="attempt-table">
              <thead><tr><th>When</th><th>Task</th><th>Word</th><th className="num">Try/ask</th><th>Result</th><th className="num">Example</th><th className="num">Latency</th><th>Model</th></tr></thead>
              <tbody>
                {recent.map((x) => (
                  <tr key={x.id}>
                    <td className="small"><Link href={`/dashboard/attempts/${x.id}`}>{x.createdAt.toISOString().replace('T', ' ').slice(0, 19)}</Link></td>
                    <td className="small">{x.dagId} › {x.taskId}</td>
                    <td>{x.word}</td>
                    <td className="num">{x.tryNumber}/{x.attempt}</td>
                    <td>{x.valid ? <OutcomeBadge outcome={x.outcome} /> : <>{x.outcome === 'provider_error' && <OutcomeBadge outcome={x.outcome} />} {x.reasonCodes.map((r) => <code key={r}>{r}</code>)}</>}</td>
                    <td className="num">{x.maxChars > 0 ? `${x.exampleLength ?? '–'}/${x.maxChars}` : '–'}</td>
                    <td className="num" title={x.requestCount !== null ? `${x.requestCount} HTTP request(s), ${x.retryWaitMs ?? 0} ms waiting between retries` : undefined}>{x.latencyMs} ms{x.requestCount !== null && x.requestCount > 1 && <span className="muted small"> ({x.requestCount} req.)</span>}</td>
                    <td className="small">{x.model}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="small muted">{a.total} attempts match · <a href="/api/v1/llm/attempts">GET /api/v1/llm/attempts</a></p>
      </section>
    </>
  );
}
