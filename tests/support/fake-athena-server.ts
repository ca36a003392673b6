// A local HTTP server speaking Athena's JSON protocol (awsJson1_1: POST /, `X-Amz-Target: AmazonAthena.<Op>`) for
// the calls athenaQuery makes: StartQueryExecution (idempotent per ClientRequestToken, as Athena is),
// GetQueryExecution, GetQueryResults (paged), StopQueryExecution. No Athena emulator exists; this is the contract.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeQueryScript {
  /** GetQueryExecution answers RUNNING this many times before the final state. */
  runningPolls?: number;
  final?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  /** Data rows of the result (a header row is added, as Athena does for a SELECT). */
  rows?: number;
}

interface Execution {
  id: string;
  query: string;
  database: string | undefined;
  outputLocation: string;
  polls: number;
  stopped: boolean;
  script: FakeQueryScript;
}

export interface FakeAthenaServer {
  endpoint: string;
  /** Every call, in order: its operation and parsed body. */
  calls: Array<{ op: string; body: Record<string, unknown> }>;
  executions: Map<string, Execution>;
  /** How a query containing `match` behaves; the last matching script wins, default: succeeds at once with 3 rows. */
  script(match: string, script: FakeQueryScript): void;
  close(): Promise<void>;
}

const PAGE = 2;
/** Requests signed with another key id are refused, as Athena refuses an unknown key. */
export const FAKE_ATHENA_KEY_ID = 'AKIAFAKEATHENA';

export async function startFakeAthenaServer(): Promise<FakeAthenaServer> {
  const calls: FakeAthenaServer['calls'] = [];
  const executions = new Map<string, Execution>();
  const byToken = new Map<string, string>();
  const scripts: Array<[string, FakeQueryScript]> = [];

  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(value));
      };
      const fail = (type: string, message: string) => send(400, { __type: type, Message: message });
      const op = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonAthena\./, '');
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      calls.push({ op, body });
      if (!String(req.headers.authorization ?? '').includes(`Credential=${FAKE_ATHENA_KEY_ID}/`)) {
        return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      const execution = (): Execution | undefined => executions.get(String(body.QueryExecutionId));
      switch (op) {
        case 'StartQueryExecution': {
          const token = String(body.ClientRequestToken ?? crypto.randomUUID());
          let id = byToken.get(token);
          if (id && executions.get(id)!.query !== body.QueryString) {
            return fail('InvalidRequestException', 'Idempotent parameters do not match');
          }
          if (!id) {
            id = crypto.randomUUID();
            byToken.set(token, id);
            const query = String(body.QueryString);
            const script = scripts.filter(([m]) => query.includes(m)).at(-1)?.[1] ?? {};
            const outputLocation = String((body.ResultConfiguration as { OutputLocation?: string } | undefined)?.OutputLocation ?? '');
            const database = (body.QueryExecutionContext as { Database?: string } | undefined)?.Database;
            executions.set(id, { id, query, database, outputLocation, polls: 0, stopped: false, script });
          }
          return send(200, { QueryExecutionId: id });
        }
        case 'GetQueryExecution': {
          const e = execution();
          if (!e) return fail('InvalidRequestException', 'QueryExecution not found');
          e.polls++;
          const state = e.stopped ? 'CANCELLED' : e.polls <= (e.script.runningPolls ?? 0) ? 'RUNNING' : (e.script.final ?? 'SUCCEEDED');
          const reason = e.stopped ? 'Query was cancelled by user' : state === 'RUNNING' ? undefined : e.script.reason;
          return send(200, {
            QueryExecution: {
              QueryExecutionId: e.id,
              Query: e.query,
              StatementType: 'DML',
              ResultConfiguration: { OutputLocation: `${e.outputLocation.replace(/\/?$/, '/')}${e.id}.csv` },
              Status: { State: state, ...(reason ? { StateChangeReason: reason } : {}) },
            },
          });
        }
        case 'GetQueryResults': {
          const e = execution();
          if (!e) return fail('InvalidRequestException', 'QueryExecution not found');
          const all = [{ Data: [{ VarCharValue: 'word' }] }, ...Array.from({ length: e.script.rows ?? 3 }, (_, i) => ({ Data: [{ VarCharValue: `w${i}` }] }))];
          const start = Number(body.NextToken ?? 0);
          const next = start + PAGE < all.length ? String(start + PAGE) : undefined;
          return send(200, {
            ResultSet: { Rows: all.slice(start, start + PAGE), ResultSetMetadata: { ColumnInfo: [{ Name: 'word', Label: 'word', Type: 'varchar' }] } },
            ...(next ? { NextToken: next } : {}),
          });
        }
        case 'StopQueryExecution': {
          const e = execution();
          if (e) e.stopped = true;
          return send(200, {});
        }
        default:
          return fail('UnknownOperationException', `the fake does not speak ${op}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    executions,
    script: (match, script) => void scripts.push([match, script]),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A FLASHFLOW_CONN_* URI of an `aws` connection that reaches the fake. */
export function fakeAthenaConnUri(server: Pick<FakeAthenaServer, 'endpoint'>, keyId = FAKE_ATHENA_KEY_ID): string {
  return `aws://${keyId}:fake-secret-key@/?region_name=eu-west-1&endpoint_url=${encodeURIComponent(server.endpoint)}`;
}
