import { apiRoute } from '@/lib/api/api-route';
import { deleteVariable, getVariable, patchVariable } from '@/lib/api/contracts/variables';
import { changeVariable, getVariableOne, removeVariable } from '@/lib/api/handlers/variables';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getVariable, ({ runtime, params }) => getVariableOne(runtime, params.variable_key));

export const PATCH = apiRoute(patchVariable, ({ runtime, params, query, body, actor }) =>
  changeVariable(runtime, params.variable_key, { query, body }, actor),
);

export const DELETE = apiRoute(deleteVariable, ({ runtime, params, actor }) => removeVariable(runtime, params.variable_key, actor));
