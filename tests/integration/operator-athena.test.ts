// athenaQuery and AthenaHook against a local server speaking Athena's JSON protocol (fake-athena-server.ts): the
// wait in reschedule mode finds the same execution on every poke of a try, failures and cancellations fail the task
// with Athena's reason, a timeout stops the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RescheduleTaskError } from '../../lib/engine/task-context';
import { athenaQuery } from '../../lib/operators/athena';
import { loadOperator } from '../../lib/operators/registry';
import { awsTaskContext, type AwsTaskContext } from '../support/aws-task-context';
import { fakeAthenaConnUri, startFakeAthenaServer, type FakeAthenaServer } from '../support/fake-athena-server';

let athena: FakeAthenaServer;
let connections: Record<string, string>;

beforeAll(async () => {
  athena = await startFakeAthenaServer();
  athena.script('slow_query', { runningPolls: 1, rows: 5 });
  athena.script('broken_query', { final: 'FAILED', reason: "SYNTAX_ERROR: line 1:15: Table 'words' does not exist" });
  athena.script('cancelled_query', { final: 'CANCELLED', reason: 'Query was cancelled by user' });
  athena.script('endless_query', { runningPolls: 1_000 });
  connections = { aws_default: fakeAthenaConnUri(athena), aws_bad_key: fakeAthenaConnUri(athena, 'AKIAUNKNOWN') };
});

afterAll(() => athena?.close());

const args = (query: string) => ({ query, database: 'vocabulary', outputLocation: 's3://athena-results/flashflow/', pollInterval: '1m', timeout: '10m' });

async function run(spec: { operator: string; args: Record<string, unknown> }, ctx: AwsTaskContext) {
  return (await loadOperator(spec.operator))!(spec.args, ctx);
}

describe('athenaQuery', () => {
  it('starts the query, gives its slot back while it runs, and the next poke of the try finds the same execution', async () => {
    const spec = athenaQuery(args('SELECT word FROM words -- slow_query'));
    const first = awsTaskContext(connections, { taskId: 'slow' });
    const waiting = await run(spec, first).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(RescheduleTaskError);
    expect((waiting as RescheduleTaskError).rescheduleAt).toEqual(new Date('2026-12-01T00:01:00Z'));

    const second = awsTaskContext(connections, { taskId: 'slow', firstPokeAt: new Date('2026-12-01T00:00:00Z') });
    const result = await run(spec, second);
    const [execution] = [...athena.executions.values()].filter((e) => e.query.includes('slow_query'));
    expect(result).toEqual({
      query_execution_id: execution!.id,
      output_location: `s3://athena-results/flashflow/${execution!.id}.csv`,
      row_count: 5,
    });
    expect(execution).toMatchObject({ database: 'vocabulary', outputLocation: 's3://athena-results/flashflow/' });
    expect([...athena.executions.values()].filter((e) => e.query.includes('slow_query'))).toHaveLength(1);
  });

  it('a new try runs the query anew', async () => {
    const spec = athenaQuery(args('SELECT 1 -- retried_query'));
    const one = (await run(spec, awsTaskContext(connections, { taskId: 'retried', tryNumber: 1 }))) as { query_execution_id: string };
    const two = (await run(spec, awsTaskContext(connections, { taskId: 'retried', tryNumber: 2 }))) as { query_execution_id: string };
    expect(one.query_execution_id).not.toBe(two.query_execution_id);
  });

  it('a FAILED query fails the task without retry, with Athena’s reason', async () => {
    await expect(run(athenaQuery(args('SELECT * FROM words -- broken_query')), awsTaskContext(connections, { taskId: 'broken' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringMatching(/^Athena query \S+ FAILED: SYNTAX_ERROR: line 1:15: Table 'words' does not exist$/),
    });
  });

  it('a CANCELLED query fails the task with Athena’s reason', async () => {
    await expect(run(athenaQuery(args('SELECT 2 -- cancelled_query')), awsTaskContext(connections, { taskId: 'cancelled' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringMatching(/CANCELLED: Query was cancelled by user$/),
    });
  });

  it('stops the query in Athena when the wait times out', async () => {
    const ctx = awsTaskContext(connections, { taskId: 'endless', firstPokeAt: new Date('2026-11-30T23:50:00Z') });
    await expect(run(athenaQuery(args('SELECT 3 -- endless_query')), ctx)).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining('sensor timed out'),
    });
    const [execution] = [...athena.executions.values()].filter((e) => e.query.includes('endless_query'));
    expect(execution!.stopped).toBe(true);
    expect(athena.calls.filter((c) => c.op === 'StopQueryExecution')).toEqual([{ op: 'StopQueryExecution', body: { QueryExecutionId: execution!.id } }]);
  });
});

describe('athenaQuery bad input', () => {
  it('a missing required argument is an error when the DAG file is imported', () => {
    expect(() => athenaQuery({ query: 'SELECT 1', database: 'x' } as never)).toThrow(/^athenaQuery\(\): invalid arguments: .*outputLocation/);
    expect(() => athenaQuery({ ...args('SELECT 1'), outputLocation: '/tmp/out' })).toThrow(/must be an s3:\/\/ URL/);
  });

  it('unknown credentials fail without retry, and the message holds no secret', async () => {
    const error = (await run(athenaQuery({ ...args('SELECT 4'), connId: 'aws_bad_key' }), awsTaskContext(connections)).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: "Athena StartQueryExecution (connection 'aws_bad_key') failed: UnrecognizedClientException: The security token included in the request is invalid.",
    });
    expect(`${error.message}${error.stack}`).not.toContain('fake-secret-key');
  });

  it('a missing connection is a clear task error', async () => {
    await expect(run(athenaQuery({ ...args('SELECT 5'), connId: 'nowhere' }), awsTaskContext(connections))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining("connection 'nowhere' is not defined"),
    });
  });
});
