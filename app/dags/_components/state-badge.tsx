// A task-instance or run state as Airflow colours it (the classes are in app/globals.css).
export function StateBadge({ state }: { state: string | null }) {
  const s = state ?? 'none';
  return <span className={`state-badge st-${s}`}>{s.replaceAll('_', ' ')}</span>;
}

export const LEGEND_STATES = [
  'success', 'failed', 'running', 'queued', 'scheduled', 'up_for_retry', 'up_for_reschedule', 'upstream_failed', 'skipped',
  'deferred', 'restarting', 'removed', 'none',
] as const;

export function StateLegend() {
  return (
    <ul className="legend" aria-label="State colours">
      {LEGEND_STATES.map((s) => (
        <li key={s}><span className={`sq st-${s}`} aria-hidden /> {s.replaceAll('_', ' ')}</li>
      ))}
    </ul>
  );
}
