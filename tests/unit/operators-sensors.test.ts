// The sensors' poke loop on a fake clock, in both modes, and how a reschedule crosses to the scheduler: the error a
// sensor throws, the outcome the runner reports, the state the scheduler plans.
import { describe, expect, it } from 'vitest';
import { planTryEnd } from '../../lib/engine/plan-try-end';
import { RescheduleTaskError } from '../../lib/engine/task-context';
import { errorToOutcome } from '../../lib/executors/local/task-errors';
import { poke, type PokeResult } from '../../lib/operators/poke';
import { assetSensor, timeDeltaSensor } from '../../lib/operators/sensors';
import { FakeClock } from '../support/fake-clock';

const HOUR = 3_600_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function sensorCtx(clock: FakeClock, firstPokeAt: Date | null = null) {
  return { log: quiet, signal: new AbortController().signal, clock, firstPokeAt };
}

/** A check that answers not done until `doneAt`, counting its calls. */
function checkUntil(clock: FakeClock, doneAt: Date) {
  const calls: Date[] = [];
  const check = async (): Promise<PokeResult> => {
    calls.push(clock.now());
    return clock.now() >= doneAt ? { done: true, value: 'ready' } : { done: false };
  };
  return { calls, check };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => expect.unreachable('it resolved'), (err: unknown) => err);
}

describe('poke()', () => {
  it('in reschedule mode checks once and asks to run again one interval later', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const { calls, check } = checkUntil(clock, new Date('2026-03-09T08:00:00Z'));
    const err = await rejection(poke(sensorCtx(clock), { mode: 'reschedule', intervalMs: HOUR, timeoutMs: 7 * 24 * HOUR, what: 'x' }, check));
    expect(err).toBeInstanceOf(RescheduleTaskError);
    expect((err as RescheduleTaskError).rescheduleAt).toEqual(new Date('2026-03-02T09:00:00Z'));
    expect(calls).toHaveLength(1);
  });

  it('returns the check’s value once done, in either mode', async () => {
    const clock = new FakeClock();
    const { check } = checkUntil(clock, clock.now());
    for (const mode of ['poke', 'reschedule'] as const) {
      expect(await poke(sensorCtx(clock), { mode, intervalMs: HOUR, timeoutMs: HOUR, what: 'x' }, check)).toBe('ready');
    }
  });

  it('counts the timeout from the try’s first poke, not from this run of it', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const { check } = checkUntil(clock, new Date('2027-01-01T00:00:00Z'));
    const opts = { mode: 'reschedule', intervalMs: HOUR, timeoutMs: 24 * HOUR, what: 'the end of the year' } as const;
    clock.advance(23 * HOUR);
    expect(await rejection(poke(sensorCtx(clock, new Date('2026-03-02T08:00:00Z')), opts, check))).toBeInstanceOf(RescheduleTaskError);
    clock.advance(HOUR);
    const err = await rejection(poke(sensorCtx(clock, new Date('2026-03-02T08:00:00Z')), opts, check));
    expect(err).toMatchObject({ name: 'NonRetriableError', message: 'sensor timed out after 86400 s waiting for the end of the year' });
  });

  it('in poke mode sleeps on the clock between checks, holding on until done', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const { calls, check } = checkUntil(clock, new Date('2026-03-02T11:00:00Z'));
    const result = poke(sensorCtx(clock), { intervalMs: HOUR, timeoutMs: 24 * HOUR, what: 'x' }, check);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(HOUR);
    }
    expect(await result).toBe('ready');
    expect(calls.map((d) => d.toISOString().slice(11, 16))).toEqual(['08:00', '09:00', '10:00', '11:00']);
  });

  it('fails without retrying when the check says so', async () => {
    const clock = new FakeClock();
    const err = await rejection(poke(sensorCtx(clock), { mode: 'reschedule', intervalMs: HOUR, timeoutMs: HOUR, what: 'x' }, async () => ({ fail: 'upstream failed' })));
    expect(err).toMatchObject({ name: 'NonRetriableError', message: 'upstream failed' });
  });
});

describe('a reschedule on its way to the scheduler', () => {
  it('becomes a reschedule outcome, also when thrown by another copy of the engine module', () => {
    const at = new Date('2026-03-02T09:00:00Z');
    expect(errorToOutcome(new RescheduleTaskError(at))).toEqual({ status: 'reschedule', rescheduleAt: at });
    const foreign = Object.assign(new Error('rescheduled'), { name: 'RescheduleTaskError', rescheduleAt: at });
    expect(errorToOutcome(foreign)).toEqual({ status: 'reschedule', rescheduleAt: at });
  });

  it('puts the task up_for_reschedule until then, with no callback and no error', () => {
    const at = new Date('2026-03-02T09:00:00Z');
    expect(planTryEnd(undefined, 1, { status: 'reschedule', rescheduleAt: at }, new Date('2026-03-02T08:00:00Z'))).toEqual({
      state: 'up_for_reschedule', nextRetryAt: at, error: null, callback: null,
    });
  });
});

describe('sensor arguments', () => {
  it('default to poke mode and refuse an unknown mode when the DAG file is imported', () => {
    expect(assetSensor({ uri: 'file://x' }).args).toMatchObject({ mode: 'poke', pokeInterval: 30_000 });
    expect(timeDeltaSensor({ delta: '1h', mode: 'reschedule' }).args).toMatchObject({ mode: 'reschedule' });
    expect(() => timeDeltaSensor({ delta: '1h', mode: 'defer' as 'poke' })).toThrow(/timeDeltaSensor\(\): invalid arguments: mode/);
  });
});
