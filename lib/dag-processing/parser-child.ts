// Entry of the DAG-parsing child process: parses the files it is given one by one, saying which file it
// starts before importing it, so the parent can blame exactly the file that hangs.
import { startOrphanWatchdog } from '../executors/local/orphan-watchdog';
import { parseDagFile } from './parse-dag-folder';

// A file that loops at import blocks this process's event loop, so 'disconnect' below would never fire.
startOrphanWatchdog();

process.once('message', async (msg: { files: string[] }) => {
  for (const file of msg.files) {
    process.send!({ type: 'start', file });
    process.send!({ type: 'done', parse: await parseDagFile(file) });
  }
  process.send!({ type: 'end' }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
