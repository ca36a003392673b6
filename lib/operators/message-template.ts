// The few run facts a message may name, in Airflow's spelling: `{{ ds }}`, `{{ run_id }}`, `{{ params.city }}`,
// `{{ inputs.report }}`. Not a template language (no filters, no logic): a message that needs more is a function
// task calling the hook. Placeholders are checked when the DAG file is imported, values filled in at run time.
import { z } from 'zod';
import { NonRetriableError, type TaskContext } from '../engine/task-context';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RUN_FACTS = ['dag_id', 'run_id', 'task_id', 'ds', 'ts', 'logical_date', 'data_interval_start', 'data_interval_end', 'try_number'] as const;
const NAMED = /^(params|inputs)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Why the text's placeholders cannot all be filled, or null when they can. */
export function placeholderProblem(text: string): string | null {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!(RUN_FACTS as readonly string[]).includes(name) && !NAMED.test(name)) {
      return `unknown placeholder {{ ${name} }}; known: ${RUN_FACTS.map((f) => `{{ ${f} }}`).join(', ')}, {{ params.<name> }}, {{ inputs.<name> }}`;
    }
  }
  return null;
}

/** A message argument whose placeholders are checked with the rest of the operator's arguments. */
export const templatedText = z.string().superRefine((text, issue) => {
  const problem = placeholderProblem(text);
  if (problem) issue.addIssue({ code: 'custom', message: problem });
});

type Facts = Pick<TaskContext, 'dagId' | 'runId' | 'taskId' | 'logicalDate' | 'dataIntervalStart' | 'dataIntervalEnd' | 'tryNumber'> & {
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
};

/** The text with each placeholder replaced by its value passed through `escape` (HTML, Slack mrkdwn). */
export function fillPlaceholders(text: string, ctx: Facts, escape: (value: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (_, name: string) => escape(placeholderValue(name, ctx)));
}

function placeholderValue(name: string, ctx: Facts): string {
  switch (name) {
    case 'dag_id':
      return ctx.dagId;
    case 'run_id':
      return ctx.runId;
    case 'task_id':
      return ctx.taskId;
    case 'ds':
      return ctx.logicalDate.toISOString().slice(0, 10);
    case 'ts':
    case 'logical_date':
      return ctx.logicalDate.toISOString();
    case 'data_interval_start':
      return ctx.dataIntervalStart.toISOString();
    case 'data_interval_end':
      return ctx.dataIntervalEnd.toISOString();
    case 'try_number':
      return String(ctx.tryNumber);
  }
  const [, scope, key] = NAMED.exec(name) ?? [];
  const values = scope === 'params' ? ctx.params : ctx.inputs;
  if (!key || !Object.hasOwn(values, key) || values[key] === undefined) {
    throw new NonRetriableError(`placeholder {{ ${name} }}: this run has no ${scope === 'params' ? 'param' : 'input'} '${key}'`);
  }
  const value = values[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}
