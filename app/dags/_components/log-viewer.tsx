'use client';
// A task instance's log, one tab per try. Reads the REST API page by page with its continuation token, and keeps
// polling while the try can still write (the token says end_of_log once it cannot). When the token says more is
// already stored (a long log), the next page waits for "Load more" instead of the whole log flooding the page.
import { useEffect, useRef, useState } from 'react';
import { apiCall, seg } from './api-call';

interface Props {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tries: number;
  initialTry: number;
}

const POLL_MS = 1500;

function tokenState(token: string): { end: boolean; more: boolean } {
  try {
    const json = atob(token.replaceAll('-', '+').replaceAll('_', '/'));
    const pos = JSON.parse(json) as { end_of_log?: boolean; more?: boolean };
    return { end: pos.end_of_log === true, more: pos.more === true };
  } catch {
    return { end: true, more: false };
  }
}

export function LogViewer({ dagId, runId, taskId, mapIndex, tries, initialTry }: Props) {
  const [tryNumber, setTryNumber] = useState(initialTry);
  const [content, setContent] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [more, setMore] = useState(false);
  const loadMore = useRef<() => void>(() => {});
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let token: string | undefined;
    setContent('');
    setError(null);
    setDone(false);
    setMore(false);
    const path = `/dags/${seg(dagId)}/dagRuns/${seg(runId)}/taskInstances/${seg(taskId)}/logs/${tryNumber}`;
    const read = async () => {
      const query = new URLSearchParams({ map_index: String(mapIndex) });
      if (token) query.set('token', token);
      const res = await apiCall<{ content: string; continuation_token: string }>('GET', `${path}?${query}`);
      if (cancelled) return;
      if (!res.ok) {
        setError(res.problem.detail);
        timer = setTimeout(read, POLL_MS * 2);
        return;
      }
      setError(null);
      token = res.data.continuation_token;
      if (res.data.content) {
        const pinned = pre.current ? pre.current.scrollHeight - pre.current.scrollTop - pre.current.clientHeight < 24 : true;
        setContent((old) => old + res.data.content);
        if (pinned) requestAnimationFrame(() => pre.current?.scrollTo({ top: pre.current.scrollHeight }));
      }
      const state = tokenState(token);
      if (state.end) setDone(true);
      else if (state.more) setMore(true);
      else timer = setTimeout(read, document.hidden ? POLL_MS * 4 : POLL_MS);
    };
    loadMore.current = () => {
      setMore(false);
      void read();
    };
    void read();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [dagId, runId, taskId, mapIndex, tryNumber]);

  return (
    <section className="panel log-panel" aria-label="Log">
      <div className="log-head">
        <h2>Log</h2>
        <div className="tabs small-tabs" role="tablist" aria-label="Tries">
          {Array.from({ length: tries }, (_, i) => i + 1).map((n) => (
            <button key={n} type="button" role="tab" aria-selected={n === tryNumber} className={n === tryNumber ? 'tab current' : 'tab'}
              onClick={() => setTryNumber(n)}>
              Try {n}
            </button>
          ))}
        </div>
        {!done && !more && !error && <span className="live">● live</span>}
      </div>
      {error && <p className="form-error" role="alert">The log could not be read: {error}</p>}
      <pre ref={pre} className="log" data-testid="log" role="tabpanel">{content || (done ? 'This try wrote no log lines.' : 'Waiting for log lines…')}</pre>
      {more && (
        <button type="button" className="button" data-testid="log-more" onClick={() => loadMore.current()}>
          Load more
        </button>
      )}
    </section>
  );
}
