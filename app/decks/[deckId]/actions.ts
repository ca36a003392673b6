'use server';
// "Retry this word": lib/flashcards/retry-word.ts clears the failed word's instance; the scheduler is woken so the
// deck page's poll shows it move at once.
import { actionUser } from '@/lib/api/current-user';
import { retryFailedWord } from '@/lib/flashcards/retry-word';
import { getRuntime } from '@/lib/runtime/app-context';

export async function retryWord(runId: string, mapIndex: number): Promise<{ ok: boolean; message: string }> {
  // Retrying changes a run: the User role, as for the REST API's clearTaskInstances.
  const who = await actionUser('User');
  if (!who.ok) return { ok: false, message: who.message };
  const rt = getRuntime();
  const result = await retryFailedWord(rt.db.sql, { runId, mapIndex }, { now: rt.clock.now(), actor: who.user.username });
  if (result.ok) rt.scheduler.wake();
  return { ok: result.ok, message: result.message };
}
