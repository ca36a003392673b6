// Pool endpoints. default_pool can be resized but not renamed or deleted, as in Airflow.
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../kernel/errors';
import { deletePool, findPool, insertPool, listPools, updatePool, type PoolRow } from '../../store/api-pools';
import { recordEvent } from '../../store/event-log';
import type { EndpointInput } from '../contract';
import { DEFAULT_POOL, type getPools, type patchPool, type Pool, type PoolCollection, type PoolInput } from '../contracts/pools';
import { updateMask, type ApiRuntime } from './shared';

export function serializePool(p: PoolRow): z.input<typeof Pool> {
  const occupied = p.running_slots + p.queued_slots + (p.include_deferred ? p.deferred_slots : 0);
  return {
    name: p.name,
    slots: p.slots,
    occupied_slots: occupied,
    running_slots: p.running_slots,
    queued_slots: p.queued_slots,
    open_slots: p.slots - occupied,
    scheduled_slots: p.scheduled_slots,
    deferred_slots: p.deferred_slots,
    description: p.description,
    include_deferred: p.include_deferred,
  };
}

export async function listPoolsPage(rt: ApiRuntime, q: EndpointInput<typeof getPools>['query']): Promise<z.input<typeof PoolCollection>> {
  const page = await listPools(rt.db.sql, q, q.order_by);
  return { pools: page.rows.map(serializePool), total_entries: page.total };
}

export async function getPoolOne(rt: ApiRuntime, name: string): Promise<z.input<typeof Pool>> {
  const pool = await findPool(rt.db.sql, name);
  if (!pool) throw new NotFoundError(`Pool '${name}' not found`);
  return serializePool(pool);
}

export async function createPool(rt: ApiRuntime, body: z.output<typeof PoolInput>, actor: string): Promise<z.input<typeof Pool>> {
  const created = await insertPool(rt.db.sql, {
    name: body.name,
    slots: body.slots,
    description: body.description ?? null,
    includeDeferred: body.include_deferred ?? false,
  });
  if (!created) throw new ConflictError(`Pool '${body.name}' already exists`);
  await recordEvent(rt.db.sql, { event: 'api.post_pool', owner: actor, extra: JSON.stringify(body) }, rt.clock.now());
  rt.scheduler.wake();
  return getPoolOne(rt, body.name);
}

export async function changePool(
  rt: ApiRuntime,
  name: string,
  input: Pick<EndpointInput<typeof patchPool>, 'query' | 'body'>,
  actor: string,
): Promise<z.input<typeof Pool>> {
  const { body } = input;
  const mask = updateMask(input.query.update_mask, body);
  if (mask.has('name') && body.name !== name) {
    throw new InvalidInputError(`pools cannot be renamed (task instances refer to '${name}')`, [
      { path: 'name', message: `must be '${name}'` },
    ]);
  }
  const updated = await updatePool(rt.db.sql, name, {
    slots: mask.has('slots') ? body.slots : undefined,
    description: mask.has('description') ? (body.description ?? null) : undefined,
    includeDeferred: mask.has('include_deferred') ? body.include_deferred : undefined,
  });
  if (!updated) throw new NotFoundError(`Pool '${name}' not found`);
  await recordEvent(rt.db.sql, { event: 'api.patch_pool', owner: actor, extra: JSON.stringify({ name, ...body }) }, rt.clock.now());
  // More slots can start waiting tasks at once.
  rt.scheduler.wake();
  return getPoolOne(rt, name);
}

export async function removePool(rt: ApiRuntime, name: string, actor: string): Promise<void> {
  if (name === DEFAULT_POOL) {
    throw new InvalidInputError("Default Pool can't be deleted", [{ path: 'pool_name', message: 'default_pool cannot be deleted' }]);
  }
  if (!(await deletePool(rt.db.sql, name))) throw new NotFoundError(`Pool '${name}' not found`);
  await recordEvent(rt.db.sql, { event: 'api.delete_pool', owner: actor, extra: JSON.stringify({ name }) }, rt.clock.now());
}
