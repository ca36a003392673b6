import { renderMarkdown } from './markdown';

/** A `doc` written in Markdown, rendered safely (see markdown.ts). */
export function MarkdownDoc({ source }: { source: string }) {
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}

/** Airflow's "DAG Docs" above the grid: folded, so the grid stays where users expect it. */
export function DagDocs({ doc }: { doc: string | null }) {
  if (!doc) return null;
  return (
    <details className="panel dag-docs" data-testid="dag-docs">
      <summary>DAG docs</summary>
      <MarkdownDoc source={doc} />
    </details>
  );
}
