// Connections in Airflow's shape (schemas Connection, ConnectionCollection). The password is write-only: no
// response carries it, and `extra` comes back with its sensitive values masked (maskedConnection).
import { z } from 'zod';
import { endpoint } from '../contract';
import { CONN_ID_MAX_LENGTH } from '../../connections/connection-model';
import { OrderBy, Paging, repeated } from './common';

const ConnectionId = z
  .string()
  .min(1)
  .max(CONN_ID_MAX_LENGTH)
  .regex(/^[\w.-]+$/, "may contain only ASCII letters, digits, '_', '.' and '-'");
const ConnType = z.string().min(1).max(500);
const Text = z.string().nullable().optional();
const Port = z.number().int().min(1).max(65535).nullable().optional();
const Password = z
  .string()
  .nullable()
  .optional()
  .meta({ format: 'password', writeOnly: true, description: 'Write-only: stored encrypted, never returned.' });
const Extra = z.string().nullable().optional().meta({ description: 'A JSON object as text.' });

const common = {
  connection_id: z.string(),
  conn_type: z.string(),
  description: z.string().nullable(),
  host: z.string().nullable(),
  login: z.string().nullable(),
  schema: z.string().nullable(),
  port: z.number().int().nullable(),
};

export const Connection = z
  .object({ ...common, extra: z.string().nullable().meta({ description: 'A JSON object as text, sensitive values masked.' }) })
  .meta({ id: 'Connection', description: 'A connection; the password is write-only and never returned.' });

export const ConnectionCollectionItem = z.object(common).meta({ id: 'ConnectionCollectionItem' });

export const ConnectionCollection = z
  .object({ connections: z.array(ConnectionCollectionItem), total_entries: z.number().int() })
  .meta({ id: 'ConnectionCollection' });

export const ConnectionInput = z
  .strictObject({
    connection_id: ConnectionId,
    conn_type: ConnType,
    description: Text,
    host: Text,
    login: Text,
    schema: Text,
    port: Port,
    password: Password,
    extra: Extra,
  })
  .meta({ id: 'ConnectionInput', description: 'The writable fields of a Connection.' });

export const CONNECTION_FIELDS = ['connection_id', 'conn_type', 'description', 'host', 'login', 'schema', 'port', 'password', 'extra'] as const;

export const ConnectionPatch = z
  .strictObject({
    connection_id: ConnectionId.optional().meta({ description: 'Must be the connection id in the path: connections cannot be renamed.' }),
    conn_type: ConnType.optional(),
    description: Text,
    host: Text,
    login: Text,
    schema: Text,
    port: Port,
    password: Password,
    extra: Extra,
  })
  .meta({ id: 'ConnectionPatch', description: 'The writable fields of a Connection; absent fields keep their value.' });

export const ConnectionTest = z
  .object({
    status: z.boolean().meta({ description: 'Whether the connection worked.' }),
    message: z.string().meta({ description: 'What was tried and what came back, or why it failed.' }),
  })
  .meta({ id: 'ConnectionTest', description: 'Connection test results.' });

const ConnectionParams = z.object({ connection_id: z.string() });

export const getConnections = endpoint({
  method: 'GET',
  path: '/connections',
  operationId: 'get_connections',
  tag: 'Connection',
  summary: 'List connections (without passwords)',
  params: z.object({}),
  query: z.object({ ...Paging, ...OrderBy }),
  response: ConnectionCollection,
  errors: [400],
});

export const postConnection = endpoint({
  method: 'POST',
  path: '/connections',
  operationId: 'post_connection',
  tag: 'Connection',
  summary: 'Create a connection',
  params: z.object({}),
  body: ConnectionInput,
  response: Connection,
  errors: [400, 409, 413],
});

export const getConnection = endpoint({
  method: 'GET',
  path: '/connections/{connection_id}',
  operationId: 'get_connection',
  tag: 'Connection',
  summary: 'Get a connection (without its password)',
  params: ConnectionParams,
  response: Connection,
  errors: [404],
});

export const patchConnection = endpoint({
  method: 'PATCH',
  path: '/connections/{connection_id}',
  operationId: 'patch_connection',
  tag: 'Connection',
  summary: 'Update a connection',
  params: ConnectionParams,
  query: z.object({
    update_mask: repeated(z.enum(CONNECTION_FIELDS)).meta({ description: 'Fields to update; all fields present in the body when absent.', explode: false }),
  }),
  body: ConnectionPatch,
  response: Connection,
  errors: [400, 404, 413],
});

export const deleteConnection = endpoint({
  method: 'DELETE',
  path: '/connections/{connection_id}',
  operationId: 'delete_connection',
  tag: 'Connection',
  summary: 'Delete a connection',
  params: ConnectionParams,
  response: null,
  errors: [404],
});

export const testConnection = endpoint({
  method: 'POST',
  path: '/connections/test',
  operationId: 'test_connection',
  tag: 'Connection',
  summary: 'Test a connection',
  description:
    'Tries the connection given in the body (nothing is stored) with the hook of its type: http/https send a GET to ' +
    'the base URL, postgres connects and runs SELECT 1, smtp/email do the SMTP handshake and login. Any other type ' +
    'answers status false. A failed test is still a 200 with status false and the reason in message.',
  params: z.object({}),
  body: ConnectionInput,
  response: ConnectionTest,
  errors: [400, 413],
});

export const connectionEndpoints = [getConnections, postConnection, testConnection, getConnection, patchConnection, deleteConnection];
