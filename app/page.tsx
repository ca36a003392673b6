import { getRuntime } from '@/lib/runtime/app-context';
import { getHealth } from '@/lib/ops/health';
import { getOverview, llmConfigured } from '@/lib/store/overview';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const runtime = getRuntime();
  const [health, overview, llm] = await Promise.all([
    getHealth(runtime.db.sql, runtime.clock.now()),
    getOverview(runtime.db.sql),
    llmConfigured(runtime.db.sql, runtime.config.llm),
  ]);
  const schedulerOk = health.scheduler.status === 'healthy';
  return (
    <>
      <h1>Flashflow</h1>
      <p>
        A self-hosted workflow engine in the spirit of Airflow — schedules, retries, mapped tasks, logs — whose
        flagship workflow turns vocabulary from a movie into short French–English flashcards with an LLM, and
        records every attempt so you can see how well the model complies.
      </p>
      <p className="ff-actions">
        <a href="/new" className="button primary" data-testid="new-deck-cta">New deck from a movie’s vocabulary</a>
        <a href="/decks" className="button">Decks</a>
        <a href="/review" className="button">Review</a>
        <a href="/dashboard" className="button">LLM quality</a>
      </p>
      <section className="cards">
        <div className="card">
          <h2>Scheduler</h2>
          <div className={`big ${schedulerOk ? 'ok' : 'bad'}`} data-testid="scheduler-status">
            {schedulerOk ? 'alive' : 'not responding'}
          </div>
          <small>last heartbeat {health.scheduler.latest_scheduler_heartbeat ?? 'never'}</small>
        </div>
        <div className="card">
          <h2>DAGs</h2>
          <div className="big">{overview.dags}</div>
          <small>{overview.pausedDags} paused · {overview.importErrors} import errors</small>
        </div>
        <div className="card">
          <h2>DAG runs</h2>
          <div className="big">{overview.runs.running} running</div>
          <small>{overview.runs.queued} queued · {overview.runs.success} succeeded · {overview.runs.failed} failed</small>
        </div>
      </section>
      {!llm && (
        <section className="notice" data-testid="llm-setup">
          <strong>No LLM provider is configured yet.</strong> Flashcard runs need an OpenAI-compatible endpoint
          (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio…). Set these before <code>npm start</code>:
          <pre>{`OPENAI_BASE_URL=http://127.0.0.1:11434/v1   # e.g. Ollama; omit for api.openai.com
OPENAI_API_KEY=sk-...                       # any value for local servers
FLASHFLOW_LLM_MODEL=llama3.1`}</pre>
          Everything else works without it.
        </section>
      )}
    </>
  );
}
