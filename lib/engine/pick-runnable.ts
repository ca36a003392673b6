// Which scheduled task instances may be queued now: highest priority first (then oldest run, then map
// index), never past a pool's open slots, a DAG's max_active_tasks or the executor's open slots.

export interface Candidate {
  id: string;
  dagId: string;
  pool: string;
  poolSlots: number;
}

export interface Capacity {
  /** Open slots per pool (slots − slots held by queued/running tasks); a pool missing here does not exist. */
  poolOpen: Map<string, number>;
  /** Task instances each DAG may still start (max_active_tasks − queued/running). */
  dagOpen: Map<string, number>;
  executorOpen: number;
}

/** `candidates` must already be in priority order. */
export function pickRunnable(candidates: Candidate[], capacity: Capacity): { picked: string[]; unknownPools: string[] } {
  const poolOpen = new Map(capacity.poolOpen);
  const dagOpen = new Map(capacity.dagOpen);
  const picked: string[] = [];
  const unknownPools = new Set<string>();
  for (const c of candidates) {
    if (picked.length >= capacity.executorOpen) break;
    const pool = poolOpen.get(c.pool);
    if (pool === undefined) {
      unknownPools.add(c.pool);
      continue;
    }
    const dag = dagOpen.get(c.dagId) ?? 0;
    if (pool < c.poolSlots || dag < 1) continue;
    poolOpen.set(c.pool, pool - c.poolSlots);
    dagOpen.set(c.dagId, dag - 1);
    picked.push(c.id);
  }
  return { picked, unknownPools: [...unknownPools] };
}
