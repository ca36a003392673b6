// The hardware floor for the LocalExecutor: a bare parent ↔ child IPC round trip, forked exactly like a
// runner process (tsx loader, structured-clone serialization). The benchmark harness reports job latency
// against it.
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../lib/executors/local/fork-runner';

export async function measureIpcRoundtrip(n = 2000): Promise<{ p50: number; p95: number }> {
  const child = forkTypeScript(fileURLToPath(new URL('./ipc-echo-child.ts', import.meta.url)), { env: process.env });
  child.stdout?.resume();
  child.stderr?.resume();
  try {
    const next = () => new Promise<unknown>((resolve) => child.once('message', resolve));
    await next(); // ready
    const payload = { type: 'ping', tiId: 'ti-1', at: new Date() };
    const samples: number[] = [];
    for (let i = 0; i < n + 100; i++) {
      const t0 = performance.now();
      const pong = next();
      child.send(payload);
      await pong;
      if (i >= 100) samples.push(performance.now() - t0); // the first 100 warm up the JIT
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    return { p50: at(0.5), p95: at(0.95) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureIpcRoundtrip();
  console.log(`IPC round trip: p50 ${result.p50.toFixed(3)} ms, p95 ${result.p95.toFixed(3)} ms`);
}
