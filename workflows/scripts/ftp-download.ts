// The download step the Iris pipelines share: ftp-download.sh run as a bash task with connection ftp_default.
// The task's result is the folder the files were saved to (the script's last line).
import { fileURLToPath } from 'node:url';
import { bash } from 'flashflow';

const SCRIPT = fileURLToPath(new URL('./ftp-download.sh', import.meta.url));
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `remotePaths` are shell words, so they may use the run's params, e.g. "iris/batches/${FLASHFLOW_PARAM_BATCH}.csv". */
export function ftpDownload(remotePaths: string[]) {
  return bash({ command: `bash ${shellQuote(SCRIPT)} ${remotePaths.join(' ')}`, connections: { FTP: 'ftp_default' } });
}
