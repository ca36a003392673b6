'use client';
// Variables: the list, and create / edit / delete through /api/v1/variables. Values of secret-looking keys come
// masked from the page; editing one leaves the value unchanged unless a new one is typed.
import { useState, type FormEvent } from 'react';
import { apiCall, seg } from './api-call';
import { useEditDialog } from './use-edit-dialog';

export interface VariableView {
  key: string;
  /** null when the key looks like a secret: the page does not send the value to the browser. */
  value: string | null;
  description: string | null;
}

export function VariablesManager({ variables }: { variables: VariableView[] }) {
  const ui = useEditDialog();
  const { dialog, problem, notice, busy, fieldError } = ui;
  const [editing, setEditing] = useState<VariableView | null>(null);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');

  function open(v: VariableView | null) {
    setEditing(v);
    setKey(v?.key ?? '');
    setValue(v?.value ?? '');
    setDescription(v?.description ?? '');
    ui.show();
  }

  const masked = editing !== null && editing.value === null;

  async function save(e: FormEvent) {
    e.preventDefault();
    const desc = description.trim() || null;
    if (editing) {
      const body: Record<string, unknown> = { key: editing.key, description: desc };
      if (!masked || value !== '') body.value = value;
      await ui.submit(() => apiCall('PATCH', `/variables/${seg(editing.key)}`, body), `Variable ${editing.key} saved.`);
    } else {
      await ui.submit(() => apiCall('POST', '/variables', { key: key.trim(), value, description: desc }), `Variable ${key.trim()} created.`);
    }
  }

  const remove = (v: VariableView) => ui.remove(`Delete variable ${v.key}?`, `Variable ${v.key}`, `/variables/${seg(v.key)}`);

  return (
    <>
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => open(null)}>+ New variable</button>
        {notice && <span className="form-ok" role="status">{notice}</span>}
      </div>
      {variables.length === 0 ? (
        <div className="empty"><p>No variables yet.</p></div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="variables">
            <thead>
              <tr>
                <th scope="col">Key</th><th scope="col">Value</th><th scope="col">Description</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {variables.map((v) => (
                <tr key={v.key}>
                  <td><code>{v.key}</code></td>
                  <td>{v.value === null ? <span className="muted">***</span> : <code className="small">{v.value}</code>}</td>
                  <td>{v.description ?? ''}</td>
                  <td className="actions">
                    <button type="button" className="link-btn" onClick={() => open(v)}>Edit</button>
                    <button type="button" className="link-btn danger" onClick={() => remove(v)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <dialog ref={dialog} className="dialog">
        <form onSubmit={save} noValidate>
          <h2>{editing ? `Edit variable ${editing.key}` : 'New variable'}</h2>
          {!editing && (
            <div className="field">
              <label htmlFor="var-key">Key<span className="req"> *</span></label>
              <input id="var-key" value={key} onChange={(e) => setKey(e.target.value)} required maxLength={250} />
              {fieldError('key') && <small className="field-error">{fieldError('key')}</small>}
            </div>
          )}
          <div className="field">
            <label htmlFor="var-value">Value</label>
            <textarea id="var-value" rows={3} value={value} placeholder={masked ? 'unchanged (secret)' : undefined} onChange={(e) => setValue(e.target.value)} />
            {fieldError('value') && <small className="field-error">{fieldError('value')}</small>}
          </div>
          <div className="field">
            <label htmlFor="var-description">Description</label>
            <input id="var-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          {problem && <div className="form-error" role="alert">{problem.detail}</div>}
          <div className="dialog-actions">
            <button type="button" className="btn secondary" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" className="btn" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}
