'use client';
// Connections: the masked list, and create / edit / delete through /api/v1/connections. The password is write-only.
// The form follows the chosen type (connection-types.ts, plus the types plugins define, which the page reads from the
// store): only the fields its hook reads, with its labels, and an input per known extra key; any other type gets
// every field and the extra as JSON.
import { useState, type FormEvent } from 'react';
import { apiCall, seg } from './api-call';
import type { MaskedConnection } from '@/lib/connections/connection-model';
import { connectionType, connectionTypes, extraFromForm, extraToForm, type ConnectionTypeSpec, type StandardField } from '@/lib/connections/connection-types';
import { MASK } from '@/lib/connections/connection-model';
import { useEditDialog } from './use-edit-dialog';

/** A connection as the REST API shows it: no password, secret-looking extra values masked. */
export type ConnectionView = MaskedConnection;

const EMPTY = { connection_id: '', conn_type: '', description: '', host: '', login: '', schema: '', port: '', password: '', extra: '' };
type Form = typeof EMPTY;

export interface ConnectionsManagerProps {
  connections: ConnectionView[];
  /** Tries a stored connection on the server (a server action); without it there is no Test button. */
  testConnection?: (connectionId: string) => Promise<{ status: boolean; message: string }>;
  /** The connection types plugins define, as the DAG processor stored them; the built-in ones need no passing. */
  pluginTypes?: readonly ConnectionTypeSpec[];
}

export function ConnectionsManager({ connections, testConnection, pluginTypes = [] }: ConnectionsManagerProps) {
  const ui = useEditDialog();
  const { dialog, problem, notice, setNotice, busy, fieldError } = ui;
  const [form, setForm] = useState<Form>(EMPTY);
  const [keyed, setKeyed] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<ConnectionView | null>(null);
  const spec = connectionType(form.conn_type, pluginTypes);
  const uses = (field: StandardField) => !spec || spec.fields[field] !== undefined;

  function open(c: ConnectionView | null) {
    setEditing(c);
    const extra = extraToForm(connectionType(c?.conn_type ?? '', pluginTypes)?.extra.map((e) => e.key) ?? [], c?.extra ?? null);
    setForm(c ? {
      connection_id: c.connection_id, conn_type: c.conn_type, description: c.description ?? '', host: c.host ?? '', login: c.login ?? '',
      schema: c.schema ?? '', port: c.port === null ? '' : String(c.port), password: '', extra: extra.text,
    } : EMPTY);
    setKeyed(extra.keyed);
    ui.show();
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const port = form.port.trim() === '' ? null : Number(form.port);
    if (port !== null && !Number.isInteger(port)) {
      ui.setProblem({ status: 400, detail: 'Port must be a whole number.', fields: [{ path: 'port', message: 'enter a whole number' }] });
      return;
    }
    const extraKeys = spec?.extra ?? [];
    const extra = extraFromForm(form.extra, Object.fromEntries(extraKeys.map((e) => [e.key, keyed[e.key] ?? ''])), new Set(extraKeys.filter((e) => e.secret).map((e) => e.key)));
    if (!extra.ok) {
      ui.setProblem({ status: 400, detail: extra.message, fields: [{ path: 'extra', message: 'enter a JSON object' }] });
      return;
    }
    // A field the type does not use is hidden, so whatever it held before the type changed is not sent.
    const text = (field: StandardField | 'description', v: string) => (v.trim() === '' || (field !== 'description' && !uses(field)) ? null : v.trim());
    const body = {
      connection_id: form.connection_id.trim(),
      conn_type: form.conn_type.trim(),
      description: text('description', form.description),
      host: text('host', form.host),
      login: text('login', form.login),
      schema: text('schema', form.schema),
      port: uses('port') ? port : null,
      password: form.password === '' || !uses('password') ? null : form.password,
      extra: extra.extra,
    };
    if (editing) {
      // Only what changed: an untouched extra may hold masked values, and a blank password keeps the stored one.
      const before: Record<string, unknown> = { ...editing, extra: canonical(editing.extra) };
      const patch = Object.fromEntries(Object.entries({ ...body, extra: canonical(body.extra) }).filter(([k, v]) =>
        k === 'password' ? v !== null : k !== 'connection_id' && v !== before[k]));
      if (patch.extra !== undefined) patch.extra = body.extra;
      if (typeof patch.extra === 'string' && patch.extra.includes(`"${MASK}"`)) {
        ui.setProblem({ status: 400, detail: `Extra still holds masked values (${MASK}): type them again, or leave the extra as it was.`, fields: [{ path: 'extra', message: 'retype the masked values' }] });
        return;
      }
      await ui.submit(() => apiCall('PATCH', `/connections/${seg(editing.connection_id)}`, patch), `Connection ${editing.connection_id} saved.`);
    } else if (await ui.submit(() => apiCall('POST', '/connections', body), `Connection ${body.connection_id} created.`)) {
      setForm(EMPTY);
      setKeyed({});
    }
  }

  async function test(c: ConnectionView) {
    if (!testConnection) return;
    setNotice(`Testing ${c.connection_id}…`);
    const result = await testConnection(c.connection_id).catch((e: Error) => ({ status: false, message: e.message }));
    setNotice(`${c.connection_id}: ${result.status ? 'OK' : 'failed'}. ${result.message}`);
  }

  const remove = (c: ConnectionView) =>
    ui.remove(`Delete connection ${c.connection_id}?`, `Connection ${c.connection_id}`, `/connections/${seg(c.connection_id)}`);

  const input = (key: keyof Form, label: string, props: { type?: string; required?: boolean; hint?: string; placeholder?: string; list?: string } = {}) => (
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
          placeholder={props.placeholder}
          list={props.list}
          required={props.required}
          aria-invalid={fieldError(key) ? true : undefined}
          onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        />
      )}
      {props.hint && <small className="muted">{props.hint}</small>}
      {fieldError(key) && <small className="field-error">{fieldError(key)}</small>}
    </div>
  );

  /** A standard field as the type labels it, or nothing when the type's hook does not read it. */
  const standard = (key: StandardField, label: string, props: { type?: string; hint?: string } = {}) => {
    if (!uses(key)) return null;
    const f = spec?.fields[key];
    return input(key, f?.label ?? label, {
      ...props,
      placeholder: f?.placeholder ?? (f?.default !== undefined ? String(f.default) : undefined),
      hint: [props.hint, f?.default !== undefined ? `Default ${f.default}.` : null].filter(Boolean).join(' ') || undefined,
    });
  };

  return (
    <>
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => open(null)}>+ New connection</button>
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
                    <button type="button" className="link-btn" onClick={() => open(c)}>Edit</button>
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
          <h2>{editing ? `Edit connection ${editing.connection_id}` : 'New connection'}</h2>
          {!editing && input('connection_id', 'Connection id', { required: true, hint: "ASCII letters, digits, '_', '.' and '-'." })}
          {input('conn_type', 'Type', { required: true, list: 'conn-types', hint: spec ? spec.label : 'Pick one of the list, or any type a plugin reads.' })}
          <datalist id="conn-types">
            {connectionTypes(pluginTypes).map((t) => <option key={t.conn_type} value={t.conn_type}>{t.label}</option>)}
          </datalist>
          {input('description', 'Description')}
          {standard('host', 'Host')}
          {standard('port', 'Port', { type: 'number' })}
          {standard('login', 'Login')}
          {standard('password', 'Password', { type: 'password', hint: editing ? 'Leave empty to keep the stored one.' : 'Stored encrypted; never shown again.' })}
          {standard('schema', 'Schema')}
          {spec?.extra.map((e) => (
            <div className="field" key={e.key}>
              <label htmlFor={`conn-extra-${e.key}`}>{e.label}</label>
              <input
                id={`conn-extra-${e.key}`}
                type={e.secret ? 'password' : 'text'}
                autoComplete={e.secret ? 'new-password' : 'off'}
                placeholder={e.placeholder}
                value={keyed[e.key] ?? ''}
                onChange={(ev) => setKeyed({ ...keyed, [e.key]: ev.target.value })}
              />
              <small className="muted">extra <code>{e.key}</code></small>
            </div>
          ))}
          {input('extra', spec?.extra.length ? 'Other extra' : 'Extra', { hint: 'A JSON object.' })}
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

/** The same JSON object written the same way whatever its key order, to tell whether an extra changed. */
function canonical(extra: string | null): string | null {
  if (extra === null) return null;
  const sort = (v: unknown): unknown => (v === null || typeof v !== 'object' ? v : Array.isArray(v) ? v.map(sort)
    : Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sort(x)])));
  try {
    return JSON.stringify(sort(JSON.parse(extra)));
  } catch {
    return extra;
  }
}
