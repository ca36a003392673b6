// `flashflow demo model-server`: serves the demo classification model until stopped, at the address the built-in
// model_default connection points to, so catalog_request runs with nothing else set up; the load benchmark starts
// the same server with its own latency and CPU settings.
import { startModelServer, type ModelServerOptions } from '../demo/model-server';
import type { FlashflowConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { exitOnSignals } from './shutdown-signals';

export async function demoModelCommand(config: FlashflowConfig, opts: ModelServerOptions & { port: number }, out: (line: string) => void): Promise<void> {
  const server = await startModelServer(opts).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new Error(`port ${opts.port} is in use (is a demo model server already running?); pick another with --port`);
    throw err;
  });
  out(
    `demo model server on ${server.url}: POST /v1/extract, /v1/classify-sections, /v1/extract-logo, /v1/validate; GET /stats ` +
      `(latency ${opts.latencyMs ?? 20} ms + up to ${opts.jitterMs ?? 0} ms, CPU ${opts.cpuMs ?? 2} ms, errors ${((opts.errorRate ?? 0) * 100).toFixed(1)} %)`,
  );
  if (server.port !== 8089) out(`catalog_request reads connection model_default: start Flashflow with FLASHFLOW_CONN_MODEL_DEFAULT=http://127.0.0.1:${server.port}`);
  out('press Ctrl+C to stop');
  exitOnSignals(createLogger(config.logLevel), () => server.close());
  await new Promise<never>(() => {});
}
