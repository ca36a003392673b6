// Airflow's AthenaHook on @aws-sdk/client-athena, built from an `aws` connection: start a query, read its state,
// count its result rows, stop it. The SDK is imported on the first call, not with this module.
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { Connection } from '../connections/connection-model';
import { awsClientConfig, awsError, DEFAULT_AWS_CONN_ID } from './aws-connection';
import { fetchConnection, type HookContext } from './hook-context';

type AthenaSdk = typeof import('@aws-sdk/client-athena');

export const ATHENA_TERMINAL_STATES = ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

export interface AthenaQueryStart {
  query: string;
  database: string;
  /** s3:// folder Athena writes the results to. */
  outputLocation: string;
  workgroup?: string;
  /** Athena's idempotency token (32–128 characters): the same token finds the same execution instead of a new one. */
  clientRequestToken?: string;
}

export interface AthenaQueryState {
  state: string;
  /** Athena's reason for a failed or cancelled query. */
  reason: string | null;
  outputLocation: string | null;
  statementType: string | null;
}

export class AthenaHook {
  private client: Promise<{ sdk: AthenaSdk; client: AthenaClient }> | null = null;

  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    awsClientConfig(conn);
  }

  static async fromConnection(ctx: HookContext, connId = DEFAULT_AWS_CONN_ID): Promise<AthenaHook> {
    return new AthenaHook(await fetchConnection(ctx, connId), ctx);
  }

  /** The query execution id. */
  async startQuery(q: AthenaQueryStart): Promise<string> {
    return this.call('Athena StartQueryExecution', async ({ sdk, client }) => {
      const out = await client.send(new sdk.StartQueryExecutionCommand({
        QueryString: q.query,
        QueryExecutionContext: { Database: q.database },
        ResultConfiguration: { OutputLocation: q.outputLocation },
        WorkGroup: q.workgroup,
        ClientRequestToken: q.clientRequestToken,
      }), { abortSignal: this.ctx.signal });
      return out.QueryExecutionId!;
    });
  }

  async queryState(id: string): Promise<AthenaQueryState> {
    return this.call(`Athena GetQueryExecution of ${id}`, async ({ sdk, client }) => {
      const { QueryExecution: q } = await client.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: this.ctx.signal });
      return {
        state: q?.Status?.State ?? 'UNKNOWN',
        reason: q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? null,
        outputLocation: q?.ResultConfiguration?.OutputLocation ?? null,
        statementType: q?.StatementType ?? null,
      };
    });
  }

  /** Rows of the result over all its pages, without the header row Athena puts first in a SELECT's result. */
  async countRows(id: string): Promise<number> {
    return this.call(`Athena GetQueryResults of ${id}`, async ({ sdk, client }) => {
      let rows = 0;
      let header = false;
      let token: string | undefined;
      let first = true;
      do {
        const page = await client.send(new sdk.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }), { abortSignal: this.ctx.signal });
        const pageRows = page.ResultSet?.Rows ?? [];
        if (first) {
          const labels = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name);
          const firstRow = pageRows[0]?.Data?.map((d) => d.VarCharValue);
          header = labels.length > 0 && JSON.stringify(firstRow) === JSON.stringify(labels);
          first = false;
        }
        rows += pageRows.length;
        token = page.NextToken;
      } while (token);
      return header ? rows - 1 : rows;
    });
  }

  async stopQuery(id: string): Promise<void> {
    await this.call(`Athena StopQueryExecution of ${id}`, async ({ sdk, client }) => {
      await client.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: id }));
      this.ctx.log.info('stopped Athena query %s', id);
    });
  }

  private async call<T>(what: string, fn: (a: { sdk: AthenaSdk; client: AthenaClient }) => Promise<T>): Promise<T> {
    this.client ??= import('@aws-sdk/client-athena').then((sdk) => ({ sdk, client: new sdk.AthenaClient(awsClientConfig(this.conn)) }));
    try {
      return await fn(await this.client);
    } catch (error) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      throw awsError(what, this.conn.conn_id, error);
    }
  }
}
