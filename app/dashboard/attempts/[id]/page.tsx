import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getRuntime } from '@/lib/runtime/app-context';
import { getLlmAttempt } from '@/lib/store/llm-stats-queries';
import { OutcomeBadge } from '../../outcome-badge';

export const dynamic = 'force-dynamic';

export default async function AttemptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  const a = await getLlmAttempt(getRuntime().db.sql, Number(id));
  if (!a) notFound();
  const messages = Array.isArray(a.requestMessages) ? (a.requestMessages as Array<{ role?: string; content?: string }>) : [];
  return (
    <>
      <p className="small"><Link href="/dashboard">← LLM quality</Link></p>
      <h1>Attempt {a.id}: “{a.word}”</h1>
      <dl className="facts" data-testid="attempt-facts">
        <dt>Result</dt><dd><OutcomeBadge outcome={a.outcome} /> {a.reasonCodes.map((r) => <code key={r}>{r}</code>)}</dd>
        <dt>Run</dt><dd><code>{a.dagId}</code> / <code>{a.runId}</code> · {a.taskId}[{a.mapIndex}] · try {a.tryNumber}, ask {a.attempt}</dd>
        <dt>Model</dt><dd>{a.model} <span className="muted">({a.provider}, {a.strategy})</span></dd>
        <dt>Prompt version</dt><dd><code>{a.promptVersion}</code></dd>
        {a.maxChars > 0 && <><dt>Lengths</dt><dd>example {a.exampleLength ?? '–'} · translation {a.translationLength ?? '–'} · limit: fewer than {a.maxChars}</dd></>}
        <dt>Latency</dt><dd>{a.latencyMs} ms{a.requestCount !== null && <span className="muted"> · {a.requestCount} HTTP {a.requestCount === 1 ? 'request' : 'requests'}{a.retryWaitMs ? `, ${a.retryWaitMs} ms of it waiting between retries` : ''}</span>}</dd>
        <dt>Tokens</dt><dd>{a.promptTokens ?? '–'} prompt · {a.completionTokens ?? '–'} completion</dd>
        <dt>When</dt><dd>{a.createdAt.toISOString()}</dd>
        {a.error && <><dt>Error</dt><dd className="error">{a.error}</dd></>}
      </dl>
      <h2>Messages sent</h2>
      {messages.map((m, i) => (
        <div key={i} className="message" data-testid="attempt-message">
          <div className="role">{m.role}</div>
          <pre>{m.content}</pre>
        </div>
      ))}
      <h2>Raw answer</h2>
      <pre data-testid="attempt-raw">{a.rawResponse ?? '(no answer)'}</pre>
      {a.parsed !== null && a.parsed !== undefined && (<><h2>Parsed</h2><pre>{JSON.stringify(a.parsed, null, 2)}</pre></>)}
    </>
  );
}
