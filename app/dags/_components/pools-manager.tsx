'use client';
// Pools: slots in use, and create / edit / delete through /api/v1/pools.
import { useState, type FormEvent } from 'react';
import { apiCall, seg } from './api-call';
import { useEditDialog } from './use-edit-dialog';

export interface PoolView {
  name: string;
  slots: number;
  occupied_slots: number;
  running_slots: number;
  queued_slots: number;
  open_slots: number;
  description: string | null;
}

const DEFAULT_POOL = 'default_pool';

export function PoolsManager({ pools }: { pools: PoolView[] }) {
  const ui = useEditDialog();
  const { dialog, problem, notice, busy, fieldError } = ui;
  const [editing, setEditing] = useState<PoolView | null>(null);
  const [name, setName] = useState('');
  const [slots, setSlots] = useState('1');
  const [description, setDescription] = useState('');

  function open(pool: PoolView | null) {
    setEditing(pool);
    setName(pool?.name ?? '');
    setSlots(String(pool?.slots ?? 1));
    setDescription(pool?.description ?? '');
    ui.show();
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const n = Number(slots);
    if (!Number.isInteger(n)) {
      ui.setProblem({ status: 400, detail: 'Slots must be a whole number.', fields: [{ path: 'slots', message: 'enter a whole number' }] });
      return;
    }
    const body = { name: editing?.name ?? name.trim(), slots: n, description: description.trim() || null };
    await ui.submit(
      () => (editing ? apiCall('PATCH', `/pools/${seg(editing.name)}`, { ...body, name: editing.name }) : apiCall('POST', '/pools', body)),
      editing ? `Pool ${body.name} saved.` : `Pool ${body.name} created.`,
    );
  }

  const remove = (pool: PoolView) =>
    ui.remove(`Delete pool ${pool.name}? Tasks that name it will wait until a pool of that name exists again.`, `Pool ${pool.name}`, `/pools/${seg(pool.name)}`);

  return (
    <>
      <div className="toolbar">
        <button type="button" className="btn" onClick={() => open(null)}>+ New pool</button>
        {notice && <span className="form-ok" role="status">{notice}</span>}
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="pools">
          <thead>
            <tr>
              <th scope="col">Pool</th><th scope="col">Slots</th><th scope="col">Running</th><th scope="col">Queued</th>
              <th scope="col">Open</th><th scope="col" className="hide-narrow">Description</th><th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {pools.map((p) => (
              <tr key={p.name}>
                <td><code>{p.name}</code></td>
                <td>{p.slots}</td>
                <td>{p.running_slots}</td>
                <td>{p.queued_slots}</td>
                <td className={p.open_slots <= 0 ? 'bad' : undefined}>{p.open_slots}</td>
                <td className="hide-narrow">{p.description ?? ''}</td>
                <td className="actions">
                  <button type="button" className="link-btn" onClick={() => open(p)}>Edit</button>
                  {p.name !== DEFAULT_POOL && <button type="button" className="link-btn danger" onClick={() => remove(p)}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dialog ref={dialog} className="dialog">
        <form onSubmit={save} noValidate>
          <h2>{editing ? `Edit pool ${editing.name}` : 'New pool'}</h2>
          {!editing && (
            <div className="field">
              <label htmlFor="pool-name">Name</label>
              <input id="pool-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={256} />
              {fieldError('name') && <small className="field-error">{fieldError('name')}</small>}
            </div>
          )}
          <div className="field">
            <label htmlFor="pool-slots">Slots</label>
            <input id="pool-slots" type="number" step={1} min={0} value={slots} onChange={(e) => setSlots(e.target.value)} />
            <small className="muted">How many slots its task instances may hold at once (queued and running).</small>
            {fieldError('slots') && <small className="field-error">{fieldError('slots')}</small>}
          </div>
          <div className="field">
            <label htmlFor="pool-description">Description</label>
            <input id="pool-description" value={description} onChange={(e) => setDescription(e.target.value)} />
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
