import { describe, expect, it } from 'vitest';
import { nextDataInterval, parseCron } from '../../../lib/engine/schedule';

const weekly = { expression: '@weekly', timezone: 'UTC', startDate: new Date('2026-01-01T00:00:00Z'), endDate: null, catchup: false };

describe('schedules and data intervals', () => {
  it('without catchup, runs only the latest complete interval', () => {
    const next = nextDataInterval(weekly, null, new Date('2026-11-25T12:00:00Z'))!;
    expect(next.start.toISOString()).toBe('2026-11-15T00:00:00.000Z');
    expect(next.end.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(next.runAfter).toEqual(next.end);
  });

  it('with catchup, starts from the first interval after startDate and walks forward', () => {
    const s = { ...weekly, catchup: true };
    const first = nextDataInterval(s, null, new Date('2026-11-25T12:00:00Z'))!;
    expect(first.start.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    const second = nextDataInterval(s, first, new Date('2026-11-25T12:00:00Z'))!;
    expect(second.start).toEqual(first.end);
  });

  it('stops after endDate', () => {
    const s = { ...weekly, catchup: true, endDate: new Date('2026-01-10T00:00:00Z') };
    const first = nextDataInterval(s, null, new Date('2026-11-25T00:00:00Z'))!;
    const second = nextDataInterval(s, first, new Date('2026-11-25T00:00:00Z'));
    expect(second).toBeNull();
  });

  it('names a bad cron expression or preset', () => {
    expect(() => parseCron('61 * * * *')).toThrow("invalid cron expression '61 * * * *'");
    expect(() => parseCron('@fortnightly')).toThrow("unknown schedule preset '@fortnightly'");
  });
});
