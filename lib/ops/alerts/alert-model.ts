// What an alert is, when a try's end raises one, and the text it carries. Pure: the channels (email, Slack,
// webhook) only format and deliver what planAlert() returns.
import type { TryEndedEvent } from '../../engine/scheduler';

export const ALERT_KINDS = ['failure', 'retry'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** 'none' records an alert no channel could carry (status 'skipped'), so users see it would have been sent. */
export const ALERT_CHANNELS = ['email', 'slack', 'webhook', 'none'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** Error text kept in a message: enough for a stack trace's head, never a megabyte of task output. */
const MAX_ERROR_CHARS = 4000;

export interface Alert {
  kind: AlertKind;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  /** Tries the task may take in all (retries + 1), when the definition is known. */
  maxTries: number | null;
  state: 'failed' | 'up_for_retry';
  error: string | null;
  /** Mail recipients from the task's `email` (after DAG defaultArgs). */
  emails: string[];
  /** Variable naming more recipients, read when the alert is sent. */
  emailVariable: string | null;
  logUrl: string;
  at: Date;
  subject: string;
  /** Plain text: the email body, and what the notification row keeps. */
  body: string;
}

/**
 * The alert a try's end raises, or null: `failed` with email_on_failure → failure, `up_for_retry` with
 * email_on_retry → retry, nothing else. The flags come from the task, after the DAG's defaultArgs (compile-dag.ts),
 * which is the DAG-level default; a task unknown to the scheduler (its DAG was removed) raises nothing.
 */
export function planAlert(event: TryEndedEvent, baseUrl: string): Alert | null {
  const task = event.task;
  if (!task) return null;
  let kind: AlertKind;
  if (event.state === 'failed' && task.email_on_failure) kind = 'failure';
  else if (event.state === 'up_for_retry' && task.email_on_retry) kind = 'retry';
  else return null;
  const error = event.error === null ? null : truncate(event.error, MAX_ERROR_CHARS);
  const base = {
    kind,
    dagId: event.dagId,
    runId: event.runId,
    taskId: event.taskId,
    mapIndex: event.mapIndex,
    tryNumber: event.tryNumber,
    maxTries: task.retries + 1,
    state: event.state,
    error,
    emails: [...task.email],
    emailVariable: task.email_variable ?? null,
    logUrl: taskLogUrl(baseUrl, event),
    at: event.at,
  } satisfies Omit<Alert, 'subject' | 'body'>;
  return { ...base, subject: alertSubject(base), body: alertBody(base) };
}

/** The task instance page of one try, where its log is. */
export function taskLogUrl(
  baseUrl: string,
  ti: { dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number },
): string {
  const enc = encodeURIComponent;
  return `${baseUrl}/dags/${enc(ti.dagId)}/runs/${enc(ti.runId)}/tasks/${enc(ti.taskId)}?map_index=${ti.mapIndex}&try=${ti.tryNumber}`;
}

/** `etl.load[3]`: the task instance as people name it. */
export function tiLabel(a: { dagId: string; taskId: string; mapIndex: number }): string {
  return `${a.dagId}.${a.taskId}${a.mapIndex >= 0 ? `[${a.mapIndex}]` : ''}`;
}

function alertSubject(a: Omit<Alert, 'subject' | 'body'>): string {
  const what = a.kind === 'failure' ? 'Task failed' : 'Task up for retry';
  return `[Flashflow] ${what}: ${tiLabel(a)} (run ${a.runId}, try ${a.tryNumber})`;
}

function alertBody(a: Omit<Alert, 'subject' | 'body'>): string {
  const tries = a.maxTries === null ? `${a.tryNumber}` : `${a.tryNumber} of ${a.maxTries}`;
  const outcome = a.kind === 'failure' ? 'failed; it will not be retried.' : 'failed and will be retried.';
  return [
    `Try ${tries} of task ${tiLabel(a)} ${outcome}`,
    '',
    `DAG:       ${a.dagId}`,
    `Task:      ${a.taskId}`,
    `Map index: ${a.mapIndex}`,
    `Run:       ${a.runId}`,
    `Try:       ${tries}`,
    `State:     ${a.state}`,
    `Ended at:  ${a.at.toISOString()}`,
    '',
    'Error:',
    a.error ?? '(no error message)',
    '',
    `Log: ${a.logUrl}`,
  ].join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
