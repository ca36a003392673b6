// A task instance's result (its return_value XCom), indented and cut to a size a page can carry.
import { getRuntime } from '@/lib/runtime/app-context';
import { findXcom } from '@/lib/store/api-xcoms';
import { previewJson } from './json-preview';
import { taskApiHref } from './task-order';
import type { TaskInstanceKey } from './ti-key';

/** Enough for drift statistics or a metrics table; the API serves the rest. */
const PREVIEW_CHARS = 20_000;

export async function TaskResult({ ti }: { ti: TaskInstanceKey }) {
  const xcom = await findXcom(getRuntime().db.sql, { ...ti, key: 'return_value' });
  return (
    <section className="panel" aria-labelledby="ti-result">
      <h2 id="ti-result">Result (XCom)</h2>
      {xcom === null ? (
        <p className="muted">No result yet: a task instance has one once a try succeeds.</p>
      ) : (
        <Preview value={xcom.value} href={taskApiHref(ti, 'xcomEntries/return_value')} />
      )}
    </section>
  );
}

function Preview({ value, href }: { value: unknown; href: string }) {
  const preview = previewJson(value, PREVIEW_CHARS);
  return (
    <>
      <pre className="json-preview" data-testid="xcom-value">{preview.text}</pre>
      {preview.cut && (
        <p className="muted small" data-testid="xcom-cut">
          Showing the first {preview.text.length.toLocaleString('en')} of {preview.total.toLocaleString('en')} characters.{' '}
          <a href={href}>The whole value</a> is in the API.
        </p>
      )}
    </>
  );
}
