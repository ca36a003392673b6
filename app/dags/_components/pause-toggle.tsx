'use client';
// The pause switch of a DAG (PATCH /api/v1/dags/{id}); optimistic, and rolled back with a message on failure.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiCall, seg } from './api-call';

export function PauseToggle({ dagId, paused }: { dagId: string; paused: boolean }) {
  const router = useRouter();
  const [isPaused, setPaused] = useState(paused);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    const next = !isPaused;
    setBusy(true);
    setPaused(next);
    setError(null);
    const res = await apiCall('PATCH', `/dags/${seg(dagId)}?update_mask=is_paused`, { is_paused: next });
    setBusy(false);
    if (!res.ok) {
      setPaused(!next);
      setError(res.problem.detail);
      return;
    }
    router.refresh();
  }

  return (
    <span className="pause-toggle">
      <label className="switch" title={isPaused ? 'Paused: no scheduled runs' : 'Active'}>
        <input type="checkbox" role="switch" checked={!isPaused} disabled={busy} onChange={toggle}
          aria-label={`${isPaused ? 'Unpause' : 'Pause'} ${dagId}`} />
        <span className="slider" aria-hidden />
      </label>
      {error && <small className="field-error" role="alert">{error}</small>}
    </span>
  );
}
