// Operator name → implementation, loaded on first use so a runner only imports what its tasks need.
// New operators (http, sql, trigger-dag, isolated-env) add one line here and a `<name>-run.ts` beside it.
import type { OperatorRun } from './operator-context';

const OPERATORS: Record<string, () => Promise<OperatorRun>> = {
  bash: async () => (await import('./bash-run')).runBash,
  http: async () => (await import('./http-run')).runHttp,
  sql: async () => (await import('./sql-run')).runSql,
  mysql: async () => (await import('./mysql-run')).runMySql,
  'isolated-env': async () => (await import('./isolated-env-run')).runIsolatedEnv,
  'trigger-dag': async () => (await import('./trigger-dag-run')).runTriggerDag,
  'external-task-sensor': async () => (await import('./sensors-run')).runExternalTaskSensor,
  'asset-sensor': async () => (await import('./sensors-run')).runAssetSensor,
  'time-delta-sensor': async () => (await import('./sensors-run')).runTimeDeltaSensor,
  's3-upload': async () => (await import('./s3-run')).runS3Upload,
  's3-download': async () => (await import('./s3-run')).runS3Download,
  's3-list': async () => (await import('./s3-run')).runS3List,
  's3-copy': async () => (await import('./s3-run')).runS3Copy,
  's3-delete': async () => (await import('./s3-run')).runS3Delete,
  's3-key-sensor': async () => (await import('./s3-run')).runS3KeySensor,
  'athena-query': async () => (await import('./athena-run')).runAthenaQuery,
  'slack-webhook': async () => (await import('./slack-run')).runSlackWebhook,
  email: async () => (await import('./email-run')).runEmail,
  'amqp-publish': async () => (await import('./amqp-run')).runAmqpPublish,
  'amqp-queue-sensor': async () => (await import('./amqp-run')).runAmqpQueueSensor,
};

export function knownOperators(): string[] {
  return Object.keys(OPERATORS);
}

/** The implementation of `name`, or null when no operator has that name. */
export async function loadOperator(name: string): Promise<OperatorRun | null> {
  const load = Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
  return load ? load() : null;
}
