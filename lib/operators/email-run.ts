// Runs an email task: SMTP settings from the connection, subject and body with their placeholders filled in (HTML
// values escaped), attachments read from this run's artifacts folders. A refused login or mailbox fails without
// retry; an unreachable server uses the task's retries.
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { homeFromEnv, taskArtifactDir } from '../artifacts/artifact-paths';
import { NonRetriableError } from '../engine/task-context';
import { escapeHtml } from '../kernel/escape-html';
import { fetchConnection } from '../hooks/hook-context';
import { sendSmtp } from '../hooks/smtp-send';
import { smtpFromConnection } from '../hooks/smtp-settings';
import { deliverOrFail } from './deliver-or-fail';
import { emailSchema, type EmailResult } from './email';
import { fillPlaceholders } from './message-template';
import type { OperatorContext, OperatorRun } from './operator-context';

export const runEmail: OperatorRun = async (rawArgs, ctx): Promise<EmailResult> => {
  const a = emailSchema.parse(rawArgs);
  const conn = await fetchConnection(ctx, a.connId);
  const smtp = smtpFromConnection(conn, os.hostname());
  if (!smtp) throw new NonRetriableError(`connection '${a.connId}' has no host: it must name the SMTP server`);
  const files = await Promise.all(a.attach.map((item) => attachmentPath(ctx, item)));
  const messageId = await deliverOrFail(() =>
    sendSmtp(
      smtp,
      {
        to: a.to,
        cc: a.cc,
        bcc: a.bcc,
        subject: fillPlaceholders(a.subject, ctx),
        text: a.text === undefined ? undefined : fillPlaceholders(a.text, ctx),
        html: a.html === undefined ? undefined : fillPlaceholders(a.html, ctx, escapeHtml),
        attachments: files.map((file) => ({ filename: path.basename(file), path: file })),
      },
      ctx.signal,
    ),
  );
  const recipients = [...a.to, ...(a.cc ?? []), ...(a.bcc ?? [])];
  ctx.log.info('Sent "%s" to %d recipient(s) through %s:%d (connection %s)', a.subject, recipients.length, smtp.host, smtp.port, a.connId);
  return { messageId, to: a.to, attached: files.map((file) => path.basename(file)) };
};

async function attachmentPath(ctx: OperatorContext, item: { task?: string; file: string; mapIndex: number }): Promise<string> {
  const owner = { dagId: ctx.dagId, runId: ctx.runId, taskId: item.task ?? ctx.taskId, mapIndex: item.task ? item.mapIndex : ctx.mapIndex };
  const file = path.join(taskArtifactDir(homeFromEnv(ctx.processEnv), owner), item.file);
  try {
    await access(file);
  } catch {
    throw new NonRetriableError(`attachment '${item.file}' of task '${owner.taskId}' is not in this run's artifacts (${file})`);
  }
  return file;
}
