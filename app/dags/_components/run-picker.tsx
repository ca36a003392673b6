'use client';
// Chooses the run a tab shows (?run_id=), newest first.
import { usePathname, useRouter } from 'next/navigation';

export function RunPicker({ runs, selected }: { runs: Array<{ run_id: string; state: string }>; selected: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  if (runs.length === 0) return null;
  return (
    <label className="run-picker">
      Run{' '}
      <select value={selected ?? ''} onChange={(e) => router.push(`${pathname}?run_id=${encodeURIComponent(e.target.value)}`)}>
        {runs.map((r) => (
          <option key={r.run_id} value={r.run_id}>{r.run_id} ({r.state})</option>
        ))}
      </select>
    </label>
  );
}
