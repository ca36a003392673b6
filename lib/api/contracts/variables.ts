// Variables in Airflow's shape (schemas Variable, VariableCollection): the list carries keys and descriptions,
// the value comes with a single variable, as in Airflow.
import { z } from 'zod';
import { endpoint } from '../contract';
import { VARIABLE_KEY_MAX_LENGTH } from '../../store/variables';
import { OrderBy, Paging, repeated } from './common';

export const Variable = z
  .object({ key: z.string(), value: z.string(), description: z.string().nullable() })
  .meta({ id: 'Variable' });

export const VariableCollectionItem = z
  .object({ key: z.string(), description: z.string().nullable() })
  .meta({ id: 'VariableCollectionItem' });

export const VariableCollection = z
  .object({ variables: z.array(VariableCollectionItem), total_entries: z.number().int() })
  .meta({ id: 'VariableCollection' });

const VariableKey = z.string().trim().min(1).max(VARIABLE_KEY_MAX_LENGTH);

export const VariableInput = z
  .strictObject({ key: VariableKey, value: z.string(), description: z.string().nullable().optional() })
  .meta({ id: 'VariableInput', description: 'The writable fields of a Variable.' });

export const VARIABLE_FIELDS = ['key', 'value', 'description'] as const;

export const VariablePatch = z
  .strictObject({
    key: VariableKey.optional().meta({ description: 'Must be the key in the path: variables cannot be renamed.' }),
    value: z.string().optional(),
    description: z.string().nullable().optional(),
  })
  .meta({ id: 'VariablePatch', description: 'The writable fields of a Variable; absent fields keep their value.' });

const VariableParams = z.object({ variable_key: z.string() });

export const getVariables = endpoint({
  method: 'GET',
  path: '/variables',
  operationId: 'get_variables',
  tag: 'Variable',
  summary: 'List variables (keys and descriptions)',
  params: z.object({}),
  query: z.object({ ...Paging, ...OrderBy }),
  response: VariableCollection,
  errors: [400],
});

export const postVariable = endpoint({
  method: 'POST',
  path: '/variables',
  operationId: 'post_variables',
  tag: 'Variable',
  summary: 'Create a variable',
  params: z.object({}),
  body: VariableInput,
  response: Variable,
  errors: [400, 409, 413],
});

export const getVariable = endpoint({
  method: 'GET',
  path: '/variables/{variable_key}',
  operationId: 'get_variable',
  tag: 'Variable',
  summary: 'Get a variable',
  params: VariableParams,
  response: Variable,
  errors: [404],
});

export const patchVariable = endpoint({
  method: 'PATCH',
  path: '/variables/{variable_key}',
  operationId: 'patch_variable',
  tag: 'Variable',
  summary: 'Update a variable',
  params: VariableParams,
  query: z.object({
    update_mask: repeated(z.enum(VARIABLE_FIELDS)).meta({ description: 'Fields to update; all fields present in the body when absent.', explode: false }),
  }),
  body: VariablePatch,
  response: Variable,
  errors: [400, 404, 413],
});

export const deleteVariable = endpoint({
  method: 'DELETE',
  path: '/variables/{variable_key}',
  operationId: 'delete_variable',
  tag: 'Variable',
  summary: 'Delete a variable',
  params: VariableParams,
  response: null,
  errors: [404],
});

export const variableEndpoints = [getVariables, postVariable, getVariable, patchVariable, deleteVariable];
