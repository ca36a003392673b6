// The frame of every view of one DAG: its name, pause switch, trigger button and the Grid | Graph | Gantt | Details tabs.
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import { getRuntime } from '@/lib/runtime/app-context';
import { findDag } from '@/lib/store/api-dags';
import { DagTabs } from '../_components/dag-tabs';
import { segmentParam } from '../_components/format';
import { PauseToggle } from '../_components/pause-toggle';
import { TriggerButton } from '../_components/trigger-button';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ dagId: string }> }) {
  return { title: `${segmentParam((await params).dagId)} · Flashflow` };
}

export default async function DagLayout({ children, params }: { children: ReactNode; params: Promise<{ dagId: string }> }) {
  const dagId = segmentParam((await params).dagId);
  const dag = await findDag(getRuntime().db.sql, dagId);
  if (!dag) notFound();
  const base = `/dags/${encodeURIComponent(dagId)}`;
  return (
    <div className="dag-page">
      <nav className="crumbs" aria-label="Breadcrumb"><Link href="/dags">DAGs</Link> / <span>{dagId}</span></nav>
      <div className="page-head">
        <h1 className="dag-title">
          <PauseToggle dagId={dagId} paused={dag.is_paused} />
          <span>{dagId}</span>
        </h1>
        <TriggerButton dagId={dagId} paramsSchema={dag.serialized.params_schema} />
      </div>
      {!dag.is_active && <div className="notice">This DAG is no longer defined by any file in the workflows folder; its history is kept.</div>}
      {dag.has_import_errors && (
        <div className="notice error-banner">Its file currently fails to load: <Link href="/import-errors">see the import error</Link>.</div>
      )}
      <Suspense fallback={<nav className="tabs" />}>
        <DagTabs base={base} />
      </Suspense>
      {children}
    </div>
  );
}
