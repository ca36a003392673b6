import { describe, expect, it } from 'vitest';
import { TASK_STATES, TASK_TRANSITIONS, transition } from '../../../lib/engine/task-states';

describe('task state machine', () => {
  it('allows the normal life of a try', () => {
    for (const [from, to] of [['none', 'scheduled'], ['scheduled', 'queued'], ['queued', 'running'], ['running', 'success']] as const) {
      expect(transition(from, to)).toEqual({ ok: true, next: to });
    }
  });

  it('refuses illegal transitions with a reason instead of applying them', () => {
    const result = transition('success', 'running');
    expect(result).toEqual({ ok: false, reason: 'illegal transition success → running' });
    expect(transition('none', 'running').ok).toBe(false);
  });

  it('lets a human clear or mark any task, but only to the manual targets', () => {
    expect(transition('running', 'failed', 'manual')).toEqual({ ok: true, next: 'failed' });
    expect(transition('success', 'none', 'manual')).toEqual({ ok: true, next: 'none' });
    expect(transition('failed', 'running', 'manual').ok).toBe(false);
  });

  it('has a row in the table for every state and names only known states', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATES].sort());
    for (const targets of Object.values(TASK_TRANSITIONS)) {
      for (const t of targets) expect(TASK_STATES).toContain(t);
    }
  });
});
