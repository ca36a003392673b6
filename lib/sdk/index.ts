// `import { dag, bash, z } from 'flashflow'`: the public SDK for DAG files, in this project's workflows/ and in any
// folder FLASHFLOW_DAGS_FOLDER names. Everything a DAG author needs is here; paths inside lib/ are not a contract.
export { z } from 'zod';

export { dag, type BranchTarget, type Dag, type InputValues, type ItemOf, type TaskSettings } from '../engine/dag-builder';
export type { DagConfig, DurationInput, OperatorSpec, TaskOptions, TriggerRule } from '../engine/dag-model';
export { chain, type TaskRef } from '../engine/task-ref';
export { NonRetriableError, SkipTaskError, type TaskContext, type TaskLogger, type TaskServices } from '../engine/task-context';
export type { TaskServiceRegistry } from './service-registry';

export { bash, type BashArgs } from '../operators/bash';
export { http, type HttpArgs } from '../operators/http';
export { sql, type SqlArgs } from '../operators/sql';
export { mysql, type MySqlArgs } from '../operators/mysql';
export { isolatedEnv, type IsolatedEnvArgs } from '../operators/isolated-env';
export { triggerDag } from '../operators/trigger-dag';
export { assetSensor, externalTaskSensor, timeDeltaSensor } from '../operators/sensors';
export { s3Copy, s3Delete, s3Download, s3KeySensor, s3List, s3Upload, type S3DownloadResult, type S3ListResult } from '../operators/s3';
export { askLlm, LlmValidationError, type LlmTaskSpec } from '../llm/ask-llm';
export { HttpHook } from '../hooks/http-hook';
export { SqlHook } from '../hooks/sql-hook';
export { MySqlHook } from '../hooks/mysql-hook';
export { S3Hook } from '../hooks/s3-hook';
export { athenaQuery, type AthenaQueryResult } from '../operators/athena';
export { AthenaHook } from '../hooks/athena-hook';
export { slackWebhook, type SlackWebhookArgs } from '../operators/slack';
export { email, type EmailArgs, type EmailResult } from '../operators/email';
export { amqpPublish, amqpQueueSensor, type AmqpPublishResult } from '../operators/amqp';
export { AmqpHook, type AmqpMessage, type AmqpPublishOptions } from '../hooks/amqp-hook';

// Plugins (ADR 0025): an operator a plugin file defines, and a DAG file's task of it by name…
export { defineOperator, operator, type OperatorDefinition, type PluginOperator } from '../plugins/define-operator';
// …and a connection type, which the connections form and `flashflow connections types` then know.
export { defineConnectionType, type PluginConnectionType } from '../plugins/define-connection-type';
export type { ConnectionTypeSpec, ExtraKeySpec, FieldSpec } from '../connections/connection-types';
export type { OperatorContext } from '../operators/operator-context';
export type { Connection } from '../connections/connection-model';
