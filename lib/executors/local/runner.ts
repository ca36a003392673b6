// Entry of a task runner process, forked by the LocalExecutor with tsx's loader. It runs many tries at once
// (the parent decides how many), talks only over IPC, and exits when the parent goes away.
import { installConsoleCapture } from './console-capture';
import { warmDagFile } from './find-dag';
import { taskKey, type ChildMessage, type ParentMessage, type RunnerConfig } from './protocol';
import { startCallback } from './run-callback';
import { startTask } from './run-task';
import { RunnerRuntime } from './runner-runtime';
import { killedError } from './task-errors';
import { startOrphanWatchdog } from './orphan-watchdog';

if (!process.send) {
  process.stderr.write('runner.ts is started by the LocalExecutor (it needs an IPC channel)\n');
  process.exit(2);
}

const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;

const watchdog = startOrphanWatchdog();

function post(message: ChildMessage): void {
  if (message.type === 'pgroup') watchdog.trackGroup(message.pgid, message.open);
  // After a disconnect the process is about to exit; what it would say has no one to hear it.
  if (process.connected) process.send!(message);
}

const rt = new RunnerRuntime(config, post);
installConsoleCapture();

function exit(code: number): never {
  rt.killProcessGroups();
  process.exit(code);
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'run':
      if (message.job.type === 'task') startTask(message.job, rt);
      else startCallback(message.job, rt);
      break;
    case 'warm':
      warmDagFile(message.fileloc);
      break;
    case 'kill':
      rt.abort(taskKey(message.tiId, message.tryNumber), killedError(message.reason));
      break;
    case 'response':
      rt.respond(message);
      break;
    case 'shutdown':
      exit(0);
  }
});
// The parent died or let go of us: nothing may keep running without it.
process.on('disconnect', () => exit(0));
process.on('SIGTERM', () => exit(143));
// Node's default would end the process and every other try in it; a stray rejection is task code's bug.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled promise rejection in task code: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
});

post({ type: 'ready', pid: process.pid });
