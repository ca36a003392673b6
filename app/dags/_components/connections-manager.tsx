'use client';
// Connections: the masked list, and create / delete through /api/v1/connections. The password is write-only.
import { useState, type FormEvent } from 'react';
import { apiCall, seg } from './api-call';
import type { MaskedConnection } from '@/lib/connections/connection-model';
import { useEditDialog } from './use-edit-dialog';

/** A connection as the REST API shows it: no password, secret-looking extra values masked. */
export type ConnectionView = MaskedConnection;

const EMPTY = { connection_id: '', conn_type: '', description: '', host: '', login: '', schema: '', port: '', password: '', extra: '' };
type Form = typeof EMPTY;

export interface ConnectionsManagerProps {
  connections: ConnectionView[];
  /** Tries a stored connection on the server (a server action); without it there is no Test button. */
  testConnection?: (connectionId: string) => Promise<{ status: boolean; message: string }>;
}

export function ConnectionsManager({ connections, testConnection }: ConnectionsManagerProps) {
  const ui = useEditDialog();
  const { dialog, problem, notice, setNotice, busy, fieldError } = ui;
  const [form, setForm] = useState<Form>(EMPTY);

  function open() {
    setForm(EMPTY);
    ui.show();
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const port = form.port.trim() === '' ? null : Number(form.port);
    if (port !== null && !Number.isInteger(port)) {
      ui.setProblem({ status: 400, detail: 'Port must be a whole number.', fields: [{ path: 'port', message: 'enter a whole number' }] });
      return;
    }
    const text = (v: string) => (v.trim() === '' ? null : v.trim());
    const body = {
      connection_id: form.connection_id.trim(),
      conn_type: form.conn_type.trim(),
      description: text(form.description),
      host: text(form.host),
      login: text(form.login),
      schema: text(form.schema),
      port,
      password: form.password === '' ? null : form.password,
      extra: text(form.extra),
    };
    if (await ui.submit(() => apiCall('POST', '/connections', body), `Connection ${body.connection_id} created.`)) setForm(EMPTY);
  }

  async function test(c: ConnectionView) {
    if (!testConnection) return;
    setNotice(`Testing ${c.connection_id}…`);
    const result = await testConnection(c.connection_id).catch((e: Error) => ({ status: false, message: e.message }));
    setNotice(`${c.connection_id}: ${result.status ? 'OK' : 'failed'}. ${result.message}`);
  }

  const remove = (c: ConnectionView) =>
    ui.remove(`Delete connection ${c.connection_id}?`, `Connection ${c.connection_id}`, `/connections/${seg(c.connection_id)}`);

  const input = (key: keyof Form, label: string, props: { type?: string; required?: boolean; hint?: string } = {}) => (
    <div className="field">
      <label htmlFor={`conn-${key}`}>{label}{props.required && <span className="req"> *</span>}</label>
      {key === 'extra' ? (
        <textarea id={`conn-${key}`} rows={3} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
      ) : (
        <input
          id={`conn-${key}`}
          type={props.type ?? 'text'}
          autoComplete={key === 'password' ? 'new-password' : 'off'}
          value={form[key]}
          required={props.required}
          aria-invalid={fieldError(key) ? true : undefined}
          onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        />
      )}
      {props.hint && <small className="muted">{props.hint}</small>}
      {fieldError(key) && <small className="field-error">{fieldError(key)}</small>}
    </div>
  );

  return (
    <>
      <div className="toolbar">
        <button type="button" className="btn" onClick={open}>+ New connection</button>
        {notice && <span className="form-ok" role="status">{notice}</span>}
      </div>
      {connections.length === 0 ? (
        <div className="empty"><p>No connections yet.</p></div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="connections">
            <thead>
              <tr>
                <th scope="col">Connection</th><th scope="col">Type</th><th scope="col">Host</th><th scope="col">Port</th>
                <th scope="col">Login</th><th scope="col">Schema</th><th scope="col">Extra</th><th scope="col">Password</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {connections.map((c) => (
                <tr key={c.connection_id}>
                  <td><code>{c.connection_id}</code>{c.description && <div className="muted small">{c.description}</div>}</td>
                  <td>{c.conn_type}</td>
                  <td>{c.host ?? ''}</td>
                  <td>{c.port ?? ''}</td>
                  <td>{c.login ?? ''}</td>
                  <td>{c.schema ?? ''}</td>
                  <td><code className="small">{c.extra ?? ''}</code></td>
                  <td className="muted">***</td>
                  <td className="actions">
                    {testConnection && <button type="button" className="link-btn" onClick={() => test(c)}>Test</button>}
                    <button type="button" className="link-btn danger" onClick={() => remove(c)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <dialog ref={dialog} className="dialog">
        <form onSubmit={save} noValidate>
          <h2>New connection</h2>
          {input('connection_id', 'Connection id', { required: true, hint: "ASCII letters, digits, '_', '.' and '-'." })}
          {input('conn_type', 'Type', { required: true, hint: 'e.g. http, postgres, openai.' })}
          {input('description', 'Description')}
          {input('host', 'Host')}
          {input('port', 'Port', { type: 'number' })}
          {input('login', 'Login')}
          {input('password', 'Password', { type: 'password', hint: 'Stored encrypted; never shown again.' })}
          {input('schema', 'Schema')}
          {input('extra', 'Extra', { hint: 'A JSON object.' })}
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
