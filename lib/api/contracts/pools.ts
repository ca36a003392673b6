// Pools in Airflow's shape (schema Pool), with their slot usage computed from task instances.
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, OrderBy, Paging, repeated } from './common';

export const DEFAULT_POOL = 'default_pool';

export const Pool = z
  .object({
    name: z.string(),
    slots: z.number().int(),
    occupied_slots: z.number().int(),
    running_slots: z.number().int(),
    queued_slots: z.number().int(),
    open_slots: z.number().int(),
    scheduled_slots: z.number().int(),
    deferred_slots: z.number().int(),
    description: z.string().nullable(),
    include_deferred: z.boolean(),
  })
  .meta({ id: 'Pool' });

export const PoolCollection = collection('pools', Pool, 'PoolCollection');

const PoolName = z.string().trim().min(1).max(256);
/** Airflow's -1 (unlimited) is not supported: the scheduler reads slots as a count. */
const Slots = z.number().int().min(0);

export const PoolInput = z
  .strictObject({
    name: PoolName,
    slots: Slots,
    description: z.string().nullable().optional(),
    include_deferred: z.boolean().optional(),
  })
  .meta({ id: 'PoolInput', description: 'The writable fields of a Pool.' });

export const PoolPatch = z
  .strictObject({
    name: PoolName.optional().meta({ description: 'Must be the pool name in the path: pools cannot be renamed.' }),
    slots: Slots.optional(),
    description: z.string().nullable().optional(),
    include_deferred: z.boolean().optional(),
  })
  .meta({ id: 'PoolPatch', description: 'The writable fields of a Pool; absent fields keep their value.' });

export const POOL_FIELDS = ['slots', 'description', 'include_deferred', 'name'] as const;

const PoolParams = z.object({ pool_name: z.string() });

export const getPools = endpoint({
  method: 'GET',
  path: '/pools',
  operationId: 'get_pools',
  tag: 'Pool',
  summary: 'List pools',
  params: z.object({}),
  query: z.object({ ...Paging, ...OrderBy }),
  response: PoolCollection,
  errors: [400],
});

export const postPool = endpoint({
  method: 'POST',
  path: '/pools',
  operationId: 'post_pool',
  tag: 'Pool',
  summary: 'Create a pool',
  params: z.object({}),
  body: PoolInput,
  response: Pool,
  errors: [400, 409, 413],
});

export const getPool = endpoint({
  method: 'GET',
  path: '/pools/{pool_name}',
  operationId: 'get_pool',
  tag: 'Pool',
  summary: 'Get a pool',
  params: PoolParams,
  response: Pool,
  errors: [404],
});

export const patchPool = endpoint({
  method: 'PATCH',
  path: '/pools/{pool_name}',
  operationId: 'patch_pool',
  tag: 'Pool',
  summary: 'Update a pool',
  params: PoolParams,
  query: z.object({
    update_mask: repeated(z.enum(POOL_FIELDS)).meta({ description: 'Fields to update; all fields present in the body when absent.', explode: false }),
  }),
  body: PoolPatch,
  response: Pool,
  errors: [400, 404, 413],
});

export const deletePool = endpoint({
  method: 'DELETE',
  path: '/pools/{pool_name}',
  operationId: 'delete_pool',
  tag: 'Pool',
  summary: 'Delete a pool (not default_pool)',
  params: PoolParams,
  response: null,
  errors: [400, 404],
});

export const poolEndpoints = [getPools, postPool, getPool, patchPool, deletePool];
