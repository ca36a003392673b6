// Variable endpoints over lib/store/variables.ts.
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../kernel/errors';
import { recordEvent } from '../../store/event-log';
import { deleteVariable, findVariable, insertVariable, listVariables, updateVariable } from '../../store/variables';
import type { EndpointInput } from '../contract';
import type { getVariables, patchVariable, Variable, VariableCollection, VariableInput } from '../contracts/variables';
import { updateMask, type ApiRuntime } from './shared';

type VariableRuntime = Pick<ApiRuntime, 'db' | 'clock'>;

export async function listVariablesPage(rt: VariableRuntime, q: EndpointInput<typeof getVariables>['query']): Promise<z.input<typeof VariableCollection>> {
  const page = await listVariables(rt.db.sql, q, q.order_by);
  return { variables: page.rows.map((v) => ({ key: v.key, description: v.description })), total_entries: page.total };
}

export async function getVariableOne(rt: VariableRuntime, key: string): Promise<z.input<typeof Variable>> {
  const v = await findVariable(rt.db.sql, key);
  if (!v) throw new NotFoundError(`Variable '${key}' not found`);
  return v;
}

export async function createVariable(rt: VariableRuntime, body: z.output<typeof VariableInput>, actor: string): Promise<z.input<typeof Variable>> {
  const v = { key: body.key, value: body.value, description: body.description ?? null };
  if (!(await insertVariable(rt.db.sql, v))) throw new ConflictError(`Variable '${body.key}' already exists`);
  await recordEvent(rt.db.sql, { event: 'api.post_variables', owner: actor, extra: JSON.stringify({ key: body.key }) }, rt.clock.now());
  return v;
}

export async function changeVariable(
  rt: VariableRuntime,
  key: string,
  input: Pick<EndpointInput<typeof patchVariable>, 'query' | 'body'>,
  actor: string,
): Promise<z.input<typeof Variable>> {
  const { body } = input;
  const mask = updateMask(input.query.update_mask, body);
  if (mask.has('key') && body.key !== key) {
    throw new InvalidInputError('variables cannot be renamed', [{ path: 'key', message: `must be '${key}'` }]);
  }
  const updated = await updateVariable(rt.db.sql, key, {
    value: mask.has('value') ? body.value : undefined,
    description: mask.has('description') ? (body.description ?? null) : undefined,
  });
  if (!updated) throw new NotFoundError(`Variable '${key}' not found`);
  await recordEvent(rt.db.sql, { event: 'api.patch_variable', owner: actor, extra: JSON.stringify({ key }) }, rt.clock.now());
  return getVariableOne(rt, key);
}

export async function removeVariable(rt: VariableRuntime, key: string, actor: string): Promise<void> {
  if (!(await deleteVariable(rt.db.sql, key))) throw new NotFoundError(`Variable '${key}' not found`);
  await recordEvent(rt.db.sql, { event: 'api.delete_variable', owner: actor, extra: JSON.stringify({ key }) }, rt.clock.now());
}
