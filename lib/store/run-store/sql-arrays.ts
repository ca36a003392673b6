// Batches travel to PostgreSQL as parallel arrays and come back as rows through unnest(), so a batch
// of any size is one statement.
import type { RunKey } from '../../engine/run-store-port';

export function runKeyArrays(runs: RunKey[]): [string[], string[]] {
  return [runs.map((r) => r.dagId), runs.map((r) => r.runId)];
}

