// An operator context for the AWS operator tests, run in the test process: its `connections.get` parses
// FLASHFLOW_CONN_* style URIs (the form the tests' connections take), its log is kept, its clock is fake.
import { parseConnectionUri } from '../../lib/connections/connection-model';
import type { OperatorContext } from '../../lib/operators/operator-context';
import { FakeClock } from './fake-clock';

export interface AwsTaskContext extends OperatorContext {
  lines: string[];
  clock: FakeClock;
}

export function awsTaskContext(
  connections: Record<string, string>,
  overrides: Partial<Pick<OperatorContext, 'runId' | 'taskId' | 'tryNumber' | 'firstPokeAt' | 'artifactsDir'>> = {},
): AwsTaskContext {
  const lines: string[] = [];
  const log = (level: string) => (message: string, ...args: unknown[]) => {
    let i = 0;
    lines.push(`${level} - ${message.replace(/%[sd]/g, () => String(args[i++]))}`);
  };
  const services = {
    connections: {
      get: async ({ connId }: { connId: string }) => (connections[connId] ? parseConnectionUri(connId, connections[connId]) : null),
    },
  };
  return {
    dagId: 'aws_tests',
    runId: 'manual__2026-12-01T00:00:00+00:00',
    taskId: 'task',
    mapIndex: -1,
    tryNumber: 1,
    maxTries: 1,
    logicalDate: new Date('2026-12-01T00:00:00Z'),
    dataIntervalStart: new Date('2026-12-01T00:00:00Z'),
    dataIntervalEnd: new Date('2026-12-02T00:00:00Z'),
    params: {},
    inputs: {},
    item: undefined,
    log: { info: log('INFO'), warn: log('WARN'), error: log('ERROR') },
    signal: new AbortController().signal,
    artifactsDir: '/nonexistent',
    services,
    xcomPull: async () => null,
    output: () => {},
    processEnv: {},
    trackProcessGroup: () => () => {},
    termGraceMs: 1_000,
    clock: new FakeClock('2026-12-01T00:00:00Z'),
    firstPokeAt: null,
    ...overrides,
    lines,
  } as unknown as AwsTaskContext;
}
