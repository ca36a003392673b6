'use client';
// Clear / Mark success / Mark failed for one task of one run, through the REST API actions, each after a
// confirmation that says what it will do.
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { apiCall, seg } from './api-call';

type Action = 'clear' | 'success' | 'failed';

interface Props {
  dagId: string;
  runId: string;
  taskId: string;
  mapped: boolean;
  downstream: string[];
}

export function TaskActions({ dagId, runId, taskId, mapped, downstream }: Props) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<Action>('clear');
  const [withDownstream, setWithDownstream] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  function ask(a: Action) {
    setAction(a);
    setMessage(null);
    dialog.current?.showModal();
  }

  async function confirm() {
    setBusy(true);
    const res =
      action === 'clear'
        ? await apiCall<{ task_instances: unknown[] }>('POST', `/dags/${seg(dagId)}/clearTaskInstances`, {
            dry_run: false, dag_run_id: runId, task_ids: [taskId], only_failed: false, include_downstream: withDownstream,
          })
        : await apiCall<{ task_instances: unknown[] }>('POST', `/dags/${seg(dagId)}/updateTaskInstancesState`, {
            dry_run: false, dag_run_id: runId, task_id: taskId, new_state: action, include_downstream: withDownstream,
          });
    setBusy(false);
    dialog.current?.close();
    if (!res.ok) {
      setMessage({ ok: false, text: res.problem.detail });
      return;
    }
    const n = res.data.task_instances.length;
    const verb = action === 'clear' ? 'Cleared' : `Marked ${action}`;
    setMessage({ ok: true, text: n === 0 ? 'Nothing changed: no task instance was in a state this applies to.' : `${verb}: ${n} task instance${n === 1 ? '' : 's'}.` });
    router.refresh();
  }

  const what = action === 'clear' ? 'Clear' : `Mark ${action}`;
  const scope = `${taskId}${mapped ? ' (all its mapped instances)' : ''}${withDownstream && downstream.length > 0 ? ` and its downstream tasks (${downstream.join(', ')})` : ''}`;
  return (
    <div className="task-actions">
      <button type="button" className="btn" onClick={() => ask('clear')}>Clear</button>
      <button type="button" className="btn ok-btn" onClick={() => ask('success')}>Mark success</button>
      <button type="button" className="btn bad-btn" onClick={() => ask('failed')}>Mark failed</button>
      <label className="check">
        <input type="checkbox" checked={withDownstream} onChange={(e) => setWithDownstream(e.target.checked)} disabled={downstream.length === 0} />
        {' '}include downstream
      </label>
      {message && <p className={message.ok ? 'form-ok' : 'form-error'} role="status">{message.text}</p>}
      <dialog ref={dialog} className="dialog" aria-label={`${what} — confirm`}>
        <h2>{what}?</h2>
        <p>
          {action === 'clear'
            ? `This resets ${scope} in run ${runId} so that it runs again. Tries that are queued or running are left to finish.`
            : `This sets ${scope} in run ${runId} to ${action}.`}
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn secondary" onClick={() => dialog.current?.close()}>Cancel</button>
          <button type="button" className="btn" onClick={confirm} disabled={busy}>{busy ? 'Working…' : `Yes, ${what.toLowerCase()}`}</button>
        </div>
      </dialog>
    </div>
  );
}
