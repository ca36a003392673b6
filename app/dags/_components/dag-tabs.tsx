'use client';
// Grid | Graph | Gantt | Details: links that keep the selected run, marking the current one.
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';

const TABS = [
  { label: 'Grid', path: '' },
  { label: 'Graph', path: '/graph' },
  { label: 'Gantt', path: '/gantt' },
  { label: 'Details', path: '/details' },
] as const;

export function DagTabs({ base }: { base: string }) {
  const pathname = usePathname();
  const runId = useSearchParams().get('run_id');
  const query = runId ? `?run_id=${encodeURIComponent(runId)}` : '';
  return (
    <nav className="tabs" aria-label="DAG views">
      {TABS.map((t) => {
        const href = base + t.path;
        const current = decodeURIComponent(pathname) === decodeURIComponent(href);
        return (
          <Link key={t.label} href={href + (t.path === '/details' ? '' : query)} className={current ? 'tab current' : 'tab'}
            aria-current={current ? 'page' : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
