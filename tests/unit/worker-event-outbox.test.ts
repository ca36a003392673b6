import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutorEvent } from '../../lib/engine/executor-port';
import { EventOutbox } from '../../lib/executors/bullmq/event-outbox';
import type { EventBatch } from '../../lib/executors/bullmq/wire';

const end = (tiId: string): ExecutorEvent => ({ type: 'finished', tiId, tryNumber: 1, outcome: { status: 'success' }, at: new Date(0) }) as ExecutorEvent;

/** The event queue, answering each add() only when the test says so. */
function heldQueue() {
  const sent: string[][] = [];
  const answers: Array<(fail?: Error) => void> = [];
  const queue = {
    add: (_name: string, batch: EventBatch) =>
      new Promise((resolve, reject) => {
        sent.push(batch.events.map((e) => (e as { tiId: string }).tiId));
        answers.push((fail) => (fail ? reject(fail) : resolve({})));
      }),
  };
  return { queue: queue as never, sent, answer: (fail?: Error) => answers.shift()!(fail) };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** An outbox whose first end ('a') has been handed to the queue, which has not answered yet. */
async function oneEndOnItsWay() {
  const q = heldQueue();
  const outbox = new EventOutbox(q.queue, 'w', () => {});
  outbox.add(end('a'));
  const flushed = outbox.flush();
  await settled();
  return { q, outbox, flushed };
}

afterEach(() => vi.useRealTimers());

describe("a worker's event outbox", () => {
  it('sends an idle worker’s end at once', async () => {
    const { q, flushed } = await oneEndOnItsWay();
    expect(q.sent).toEqual([['a']]);
    q.answer();
    await flushed;
  });

  it('puts the ends of tries that finish while a job is on its way into one next job, and answers each flush after it', async () => {
    const { q, outbox, flushed: first } = await oneEndOnItsWay();
    outbox.add(end('b'));
    let secondDone = false;
    const second = outbox.flush().then(() => (secondDone = true));
    outbox.add(end('c'));
    const third = outbox.flush();
    await settled();
    expect(q.sent).toEqual([['a']]);
    q.answer();
    await first;
    await settled();
    expect(q.sent).toEqual([['a'], ['b', 'c']]);
    expect(secondDone).toBe(false);
    q.answer();
    await Promise.all([second, third]);
    expect(q.sent).toHaveLength(2);
  });

  it('gathers events for 200 ms when nothing asks for them sooner', async () => {
    vi.useFakeTimers();
    const q = heldQueue();
    const outbox = new EventOutbox(q.queue, 'w', () => {});
    outbox.add(end('a'));
    await vi.advanceTimersByTimeAsync(150);
    outbox.add(end('b'));
    expect(q.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    expect(q.sent).toEqual([['a', 'b']]);
  });

  it('sends a refused batch again, whole and in order, and says why', async () => {
    vi.useFakeTimers();
    const q = heldQueue();
    const errors: string[] = [];
    const outbox = new EventOutbox(q.queue, 'w', (err) => errors.push(err.message));
    outbox.add(end('a'));
    const flushed = outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    q.answer(new Error('Connection is closed.'));
    await vi.advanceTimersByTimeAsync(0);
    outbox.add(end('b'));
    const later = outbox.flush();
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toEqual(['Connection is closed.; sending again in 200 ms']);
    expect(q.sent).toEqual([['a'], ['a']]);
    q.answer();
    await flushed;
    await vi.advanceTimersByTimeAsync(0);
    expect(q.sent).toEqual([['a'], ['a'], ['b']]);
    q.answer();
    await later;
  });
});
