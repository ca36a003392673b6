'use client';
// "Trigger DAG" with the DAG's params as a form in a dialog; a 400 from the API shows beside the fields it names.
import { useRouter } from 'next/navigation';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { apiCall, seg, type ApiProblem } from './api-call';
import { buildConf, fieldOfPath, initialValues, paramFields, type FormValues, type ParamField } from './params-fields';

interface Props {
  dagId: string;
  paramsSchema: Record<string, unknown> | null;
  /** Shown as a small icon button in the DAG list, a labelled one on the DAG page. */
  compact?: boolean;
}

export function TriggerButton({ dagId, paramsSchema, compact = false }: Props) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const fields = useMemo(() => paramFields(paramsSchema), [paramsSchema]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = useId();

  function open() {
    setValues(initialValues(fields));
    setFieldErrors({});
    setProblem(null);
    dialog.current?.showModal();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const built = buildConf(fields, values);
    if ('errors' in built) {
      setFieldErrors(built.errors);
      setProblem(null);
      return;
    }
    setBusy(true);
    const res = await apiCall<{ dag_run_id: string }>('POST', `/dags/${seg(dagId)}/dagRuns`, { conf: built.conf });
    setBusy(false);
    if (!res.ok) {
      const errs: Record<string, string> = {};
      for (const f of res.problem.fields) {
        const name = fieldOfPath(f.path);
        if (name) errs[name] = errs[name] ? `${errs[name]}; ${f.message}` : f.message;
      }
      setFieldErrors(errs);
      setProblem(res.problem);
      return;
    }
    dialog.current?.close();
    router.push(`/dags/${seg(dagId)}?run_id=${seg(res.data.dag_run_id)}`);
    router.refresh();
  }

  return (
    <>
      <button type="button" className={compact ? 'icon-btn' : 'btn'} onClick={open} aria-label={`Trigger ${dagId}`} title="Trigger a run">
        {compact ? '▶' : '▶ Trigger'}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${formId}-title`}>
        <form onSubmit={submit} noValidate>
          <h2 id={`${formId}-title`}>Trigger {dagId}</h2>
          {fields.length === 0 && <p className="muted">This DAG has no params; the run starts with an empty conf.</p>}
          {fields.map((f) => (
            <Field
              key={f.name}
              id={`${formId}-${f.name}`}
              field={f}
              value={values[f.name] ?? ''}
              error={fieldErrors[f.name]}
              onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
            />
          ))}
          {problem && (
            <div className="form-error" role="alert">
              <strong>The run was not created.</strong> {problem.detail}
              {problem.fields.some((f) => !fieldOfPath(f.path)) && (
                <ul>
                  {problem.fields.filter((f) => !fieldOfPath(f.path)).map((f) => (
                    <li key={f.path}>{f.path}: {f.message}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn secondary" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" className="btn" disabled={busy}>{busy ? 'Triggering…' : 'Trigger'}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function Field({ id, field: f, value, error, onChange }: {
  id: string;
  field: ParamField;
  value: string | boolean;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const describedBy = error ? `${id}-error` : f.description ? `${id}-help` : undefined;
  const common = { id, name: f.name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const text = typeof value === 'string' ? value : '';
  let input;
  switch (f.kind) {
    case 'boolean':
      input = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'enum':
      input = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {(!f.hasDefault || !f.required) && <option value="">{f.required ? 'choose…' : '(default)'}</option>}
          {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
      break;
    case 'textarea':
    case 'json':
      input = <textarea {...common} rows={f.kind === 'json' ? 4 : 8} value={text} maxLength={f.maxLength} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'number':
    case 'integer':
      input = (
        <input {...common} type="number" inputMode={f.kind === 'integer' ? 'numeric' : 'decimal'} step={f.kind === 'integer' ? 1 : 'any'}
          min={f.min} max={f.max} value={text} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    default:
      input = <input {...common} type="text" value={text} maxLength={f.maxLength} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field${f.kind === 'boolean' ? ' field-check' : ''}`}>
      <label htmlFor={id}>
        {f.name}
        {f.required && <span className="req" aria-hidden> *</span>}
        {f.kind === 'json' && <span className="muted"> (JSON)</span>}
      </label>
      {input}
      {f.description && !error && <small id={`${id}-help`} className="muted">{f.description}</small>}
      {error && <small id={`${id}-error`} className="field-error">{error}</small>}
    </div>
  );
}
