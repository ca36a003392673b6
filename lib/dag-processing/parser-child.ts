// Entry of the DAG-parsing child process: parses the folder it is told and answers once, then exits.
import { parseDagFolder } from './parse-dag-folder';

process.once('message', async (msg: { folder: string }) => {
  try {
    const result = await parseDagFolder(msg.folder);
    process.send!({ ok: true, result }, () => process.exit(0));
  } catch (err) {
    process.send!({ ok: false, error: (err as Error).message }, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
