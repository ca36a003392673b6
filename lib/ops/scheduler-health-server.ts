// The scheduler process's own small HTTP server (Airflow's scheduler health check server, port 8974): `/health` for
// an orchestrator's liveness probe, `/metrics` for the figures only this process has (tick durations, tasks
// queued). It listens only when FLASHFLOW_SCHEDULER_HEALTH_PORT is set, on FLASHFLOW_HOST (127.0.0.1 by default).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlashflowMetrics } from './metrics/flashflow-metrics';
import { SCHEDULER_HEALTH_THRESHOLD_MS } from './health';

export interface SchedulerHealthSource {
  /** null while this process waits as a standby. */
  active(): { latestHeartbeat: Date | null; metrics: FlashflowMetrics } | null;
  now(): Date;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export async function serveSchedulerHealth(host: string, port: number, source: SchedulerHealthSource): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    void answer(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost').pathname, source).then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${err.message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(method: string, path: string, source: SchedulerHealthSource): Promise<{ status: number; type: string; body: string }> {
  const json = (status: number, value: unknown) => ({ status, type: 'application/json', body: `${JSON.stringify(value)}\n` });
  if (method !== 'GET') return json(405, { detail: 'only GET' });
  const active = source.active();
  if (path === '/health') {
    // A standby is healthy: it is doing its job, which is to wait.
    if (!active) return json(200, { status: 'standby', latest_scheduler_heartbeat: null });
    const beat = active.latestHeartbeat;
    const fresh = beat !== null && source.now().getTime() - beat.getTime() <= SCHEDULER_HEALTH_THRESHOLD_MS;
    return json(fresh ? 200 : 503, { status: fresh ? 'healthy' : 'unhealthy', latest_scheduler_heartbeat: beat?.toISOString() ?? null });
  }
  if (path === '/metrics') {
    if (!active) return json(503, { detail: 'this scheduler is a standby; the active one has the metrics' });
    return { status: 200, type: active.metrics.contentType, body: await active.metrics.render() };
  }
  return json(404, { detail: 'GET /health or /metrics' });
}
