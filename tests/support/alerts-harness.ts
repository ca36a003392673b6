// An engine (FakeClock, real PGlite) whose scheduler tells an alert service of every ended try, wired the
// way startRuntime wires it.
import type { Dag } from '../../lib/engine/dag-builder';
import { AlertService } from '../../lib/ops/alerts/alert-service';
import type { Notifier } from '../../lib/ops/alerts/notifier-port';
import { startEngine, type Engine } from './engine-harness';

export async function startWithAlerts(dags: Dag[], notifiers: Notifier[], baseUrl: string): Promise<[Engine, AlertService]> {
  let service: AlertService | null = null;
  const engine = await startEngine(dags, {
    listen: (db, clock) => {
      service = new AlertService({ db: db.prisma, clock, baseUrl, notifiers, random: () => 0 });
      return { onTryEnded: service.onTryEnded };
    },
  });
  return [engine, service!];
}
