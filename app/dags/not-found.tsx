import Link from 'next/link';

export default function DagNotFound() {
  return (
    <div className="empty">
      <h2>No such DAG</h2>
      <p>
        No DAG file in the workflows folder defines this DAG id (or its file fails to load — see{' '}
        <Link href="/import-errors">import errors</Link>). <Link href="/dags">All DAGs</Link>
      </p>
    </div>
  );
}
