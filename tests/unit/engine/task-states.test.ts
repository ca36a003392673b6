import { describe, expect, it } from 'vitest';
import {
  DAG_RUN_MOVES,
  DAG_RUN_STATES,
  DAG_RUN_TRANSITIONS,
  FINISHED_STATES,
  IN_FLIGHT_STATES,
  MANUAL_MOVES,
  runTransition,
  SCHEDULER_MOVES,
  TASK_INITIAL_STATE,
  TASK_STATES,
  TASK_TRANSITIONS,
  transition,
  type Move,
  type TaskState,
} from '../../../lib/engine/task-states';

const pairsOf = <S extends string>(move: Move<S, S>) => move.from.flatMap((from) => move.to.map((to) => [from, to] as const));

describe('task state machine', () => {
  it('allows the normal life of a try', () => {
    for (const [from, to] of [['none', 'scheduled'], ['scheduled', 'queued'], ['queued', 'running'], ['running', 'success']] as const) {
      expect(transition(from, to)).toEqual({ ok: true, next: to });
    }
  });

  it('lets a sensor’s poke end up_for_reschedule, its start recorded or not, and schedules it again when due', () => {
    expect(pairsOf(SCHEDULER_MOVES.reschedule)).toEqual([['queued', 'up_for_reschedule'], ['running', 'up_for_reschedule']]);
    expect(pairsOf(SCHEDULER_MOVES.promoteDue)).toEqual([['up_for_retry', 'scheduled'], ['up_for_reschedule', 'scheduled']]);
    expect(transition('up_for_reschedule', 'none', 'manual').ok).toBe(true);
    expect(transition('up_for_reschedule', 'success', 'manual').ok).toBe(true);
  });

  it('refuses illegal transitions with a reason instead of applying them', () => {
    const result = transition('success', 'running');
    expect(result).toEqual({ ok: false, reason: 'illegal transition success → running' });
    expect(transition('none', 'running').ok).toBe(false);
  });

  it('lets a person clear or mark a task that holds no executor slot, to none, success or failed only', () => {
    expect(transition('failed', 'success', 'manual')).toEqual({ ok: true, next: 'success' });
    expect(transition('success', 'none', 'manual')).toEqual({ ok: true, next: 'none' });
    expect(transition('up_for_retry', 'failed', 'manual')).toEqual({ ok: true, next: 'failed' });
    expect(transition('running', 'failed', 'manual')).toEqual({ ok: false, reason: 'a running task cannot be changed by hand; it must end first' });
    expect(transition('queued', 'none', 'manual').ok).toBe(false);
    expect(transition('failed', 'running', 'manual').ok).toBe(false);
    expect(transition('failed', 'skipped', 'manual').ok).toBe(false);
    expect(transition('success', 'success', 'manual')).toEqual({ ok: false, reason: 'the task is already success' });
  });

  it('has a row in the table for every state and names only known states', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATES].sort());
    for (const targets of Object.values(TASK_TRANSITIONS)) {
      for (const t of targets) expect(TASK_STATES).toContain(t);
    }
  });

  it('sorts every state into exactly one of waiting, in flight and finished', () => {
    const groups: readonly (readonly TaskState[])[] = [[TASK_INITIAL_STATE], IN_FLIGHT_STATES, FINISHED_STATES];
    for (const state of TASK_STATES) expect(groups.filter((g) => g.includes(state))).toHaveLength(1);
  });

  it('makes every named scheduler move of pairs the table allows', () => {
    for (const [name, move] of Object.entries(SCHEDULER_MOVES)) {
      for (const [from, to] of pairsOf<TaskState>(move)) expect(transition(from, to), `${name}: ${from} → ${to}`).toMatchObject({ ok: true });
    }
  });

  it('makes every named manual move of pairs the manual rule allows, except a clear of a waiting task (no change)', () => {
    for (const [name, move] of Object.entries(MANUAL_MOVES)) {
      for (const [from, to] of pairsOf<TaskState>(move)) {
        if (from === to) continue;
        expect(transition(from, to, 'manual'), `${name}: ${from} → ${to}`).toMatchObject({ ok: true });
      }
    }
  });
});

describe('DAG run state machine', () => {
  it('starts a queued run and ends a running one; a person reopens a finished one', () => {
    expect(Object.keys(DAG_RUN_TRANSITIONS).sort()).toEqual([...DAG_RUN_STATES].sort());
    for (const move of [DAG_RUN_MOVES.start, DAG_RUN_MOVES.finish]) {
      for (const [from, to] of pairsOf(move)) expect(runTransition(from, to)).toEqual({ ok: true, next: to });
    }
    for (const [from, to] of pairsOf(DAG_RUN_MOVES.reopen)) expect(runTransition(from, to, 'manual')).toEqual({ ok: true, next: to });
    expect(runTransition('success', 'queued').ok).toBe(false);
    expect(runTransition('running', 'queued', 'manual').ok).toBe(false);
    expect(runTransition('queued', 'success').ok).toBe(false);
  });
});
