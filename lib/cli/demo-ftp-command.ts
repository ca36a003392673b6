// `flashflow demo ftp`: serves the Iris demo files until stopped, at the address the built-in ftp_default
// connection points to, so weekly_model_retrain and data_drift_detection run with nothing else set up.
import path from 'node:path';
import { startDemoFtpServer } from '../demo/demo-ftp-server';
import type { FlashflowConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { exitOnSignals } from './shutdown-signals';

export async function demoFtpCommand(config: FlashflowConfig, opts: { port: number }, out: (line: string) => void): Promise<void> {
  const root = path.join(config.home, 'demo-ftp');
  const server = await startDemoFtpServer({ root, port: opts.port }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new Error(`port ${opts.port} is in use (is a demo FTP server already running?); pick another with --port`);
    throw err;
  });
  const masked = server.url.replace(/:[^:@/]*@/, ':***@');
  out(`demo FTP server on ${masked} serving ${root}:`);
  for (const file of server.files) out(`  ${file}`);
  if (opts.port !== 2121) out(`the DAGs read connection ftp_default: start Flashflow with FLASHFLOW_CONN_FTP_DEFAULT=${server.url}`);
  out('press Ctrl+C to stop');
  exitOnSignals(createLogger(config.logLevel), () => server.close());
  await new Promise<never>(() => {});
}
