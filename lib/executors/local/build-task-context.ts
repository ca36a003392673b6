// The ctx a task's code receives for one try: its named inputs and mapped item (each checked against the output
// its producing task declares), typed service clients, and xcomPull by ref. Shared by the runner process and the
// in-process test executor, so both hand tasks exactly the same thing.
import { homeFromEnv, taskArtifactDir } from '../../artifacts/artifact-paths';
import { branchTaskIds } from '../../engine/branch-target';
import type { Dag } from '../../engine/dag-builder';
import type { OutputSchema, TaskDefinition } from '../../engine/dag-model';
import type { TaskJob } from '../../engine/executor-port';
import { createServiceClients, methodName, type ServiceTransport } from '../../engine/service-contract';
import { NonRetriableError, type TaskContext, type TaskLogger, type TaskServices } from '../../engine/task-context';
import type { AnyTaskRef } from '../../engine/task-ref';
import { formatZodIssues } from '../../kernel/zod-issues';
import { serviceRegistry } from '../../sdk/service-registry';

/** A stored XCom does not have the shape its task declares: usually a result of an older version of the DAG. */
export class XComShapeError extends NonRetriableError {
  override name = 'XComShapeError';
}

export interface TaskContextDeps {
  params: Record<string, unknown>;
  log: TaskLogger;
  signal: AbortSignal;
  /** Sends a service call to the process that owns the database. */
  send: ServiceTransport;
  /** FLASHFLOW_HOME, where artifacts go; default: the one this process was started with. */
  home?: string;
}

export type RuntimeTaskContext = TaskContext<Record<string, unknown>, Record<string, unknown>, unknown>;

export function buildTaskContext(dag: Dag, def: TaskDefinition, job: TaskJob, deps: TaskContextDeps): RuntimeTaskContext {
  const services = createServiceClients(serviceRegistry, deps.send);
  const inputs: Record<string, unknown> = {};
  for (const [name, upstreamId] of Object.entries(def.inputs)) {
    inputs[name] = checkReceived(dag, upstreamId, job.upstream[upstreamId] ?? null, `input '${name}' of task '${def.taskId}'`);
  }
  const item = def.mapOver === null ? undefined : checkItem(dag, def.mapOver, job.item, def.taskId);
  return {
    dagId: job.dagId,
    runId: job.runId,
    taskId: job.taskId,
    mapIndex: job.mapIndex,
    tryNumber: job.tryNumber,
    maxTries: job.maxTries,
    logicalDate: new Date(job.logicalDate),
    dataIntervalStart: new Date(job.dataIntervalStart),
    dataIntervalEnd: new Date(job.dataIntervalEnd),
    params: deps.params,
    inputs,
    item,
    log: deps.log,
    artifactsDir: taskArtifactDir(deps.home ?? homeFromEnv(process.env), job),
    signal: deps.signal,
    services: services as TaskServices,
    xcomPull: async (ref: AnyTaskRef, mapIndex?: number) => {
      const value = await services.xcom.pull({ taskId: ref.taskId, mapIndex: mapIndex ?? null });
      if (value === null) return null;
      const what = `xcomPull of task '${ref.taskId}' in task '${def.taskId}'`;
      return mapIndex === undefined ? checkReceived(dag, ref.taskId, value, what) : checkItem(dag, ref.taskId, value, def.taskId, mapIndex);
    },
  };
}

const XCOM_PULL = methodName('xcom', 'pull');

/**
 * The job with the results of its mapped upstream tasks in `upstream`: the scheduler names them instead of carrying
 * them (ADR 0032), one entry per instance as before.
 */
export async function pullDeferredUpstream(job: TaskJob, send: ServiceTransport): Promise<TaskJob> {
  if (!job.pullUpstream?.length) return job;
  const upstream = { ...job.upstream };
  for (const taskId of job.pullUpstream) upstream[taskId] = await send(XCOM_PULL, { taskId, mapIndex: null, perInstance: true });
  return { ...job, upstream };
}

/**
 * What a try's return value is stored as: a branch's refs become task ids, and a declared output is checked (its
 * parsed form is stored).
 */
export function resultToStore(def: TaskDefinition, returned: unknown): unknown {
  const value = def.kind === 'branch' ? branchTaskIds(returned) : returned;
  if (!def.output) return value;
  const parsed = def.output.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new NonRetriableError(`task '${def.taskId}' returned a value that does not match its declared output: ${formatZodIssues(parsed.error)}`);
}

/** A producer's whole result as a consumer receives it: a mapped producer's as the list of its instances' results. */
function checkReceived(dag: Dag, producerId: string, value: unknown, what: string): unknown {
  const producer = dag.tasks.get(producerId);
  if (!producer?.output) return value;
  if (producer.mapOver === null) return parseStored(producer.output, value, producerId, what);
  if (!Array.isArray(value)) return value;
  // Instances that left no result (failed, skipped) are null: only the results themselves have the declared shape.
  return value.map((v, i) => (v === null ? null : parseStored(producer.output!, v, `${producerId}[${i}]`, what)));
}

/** A mapped instance's item (or one result of a mapped task), checked against the element of the declared list. */
function checkItem(dag: Dag, sourceId: string, value: unknown, consumerId: string, mapIndex?: number): unknown {
  const source = dag.tasks.get(sourceId);
  if (!source?.output) return value;
  const what = `the item of task '${consumerId}'`;
  // The item of a mapped task is one element of an unmapped source's list; one result of a mapped source is whole.
  const schema = source.mapOver === null ? elementOf(source.output) : source.output;
  if (!schema || (value === null && source.mapOver !== null)) return value;
  return parseStored(schema, value, mapIndex === undefined ? sourceId : `${sourceId}[${mapIndex}]`, what);
}

function parseStored(schema: OutputSchema, value: unknown, producer: string, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new XComShapeError(
    `${what}: the result of task '${producer}' does not match the output that task declares (${formatZodIssues(parsed.error)}); ` +
      `it was probably stored by an older version of the DAG: clear '${producer.replace(/\[\d+\]$/, '')}' to produce it again`,
  );
}

/** The element schema of a zod array schema, read structurally so a DAG folder's own copy of zod works too. */
function elementOf(schema: OutputSchema): OutputSchema | null {
  const def = (schema as { _zod?: { def?: { type?: string; element?: OutputSchema } } })._zod?.def;
  return def?.type === 'array' && def.element ? def.element : null;
}
