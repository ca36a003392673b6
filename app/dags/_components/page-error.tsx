'use client';
// What a DAG view shows when rendering failed: a sentence and a retry, never the stack (that goes to the server log).
import { useEffect } from 'react';

export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="empty" role="alert">
      <h2>This page could not be loaded</h2>
      <p>
        The server could not read what this page shows — it may be starting up or busy. Try again in a moment;
        if it keeps failing, the server log has the details{error.digest ? ` (reference ${error.digest})` : ''}.
      </p>
      <button type="button" className="btn" onClick={reset}>Try again</button>
    </div>
  );
}
