import { describe, expect, it } from 'vitest';
import type { TaskJob } from '../../../lib/engine/executor-port';
import { createServiceHandler, readOnly } from '../../../lib/runtime/services';
import type { SqlClient } from '../../../lib/store/database';

const job = { tiId: 't1', tryNumber: 1 } as TaskJob;

describe('createServiceHandler: beforeChange', () => {
  it('holds a service that changes something until beforeChange resolves, and lets a read-only one through', async () => {
    const order: string[] = [];
    let release!: () => void;
    const recorded = new Promise<void>((resolve) => (release = resolve));
    const handler = createServiceHandler({} as SqlClient, {
      'cards.save': async () => order.push('save'),
      'cards.read': readOnly(async () => order.push('read')),
    }, {
      beforeChange: (j) => {
        order.push(`wait for ${j.tiId}#${j.tryNumber}`);
        return recorded;
      },
    });
    const save = handler(job, 'cards.save', null);
    await handler(job, 'cards.read', null);
    expect(order).toEqual(['wait for t1#1', 'read']);
    release();
    await save;
    expect(order).toEqual(['wait for t1#1', 'read', 'save']);
  });

  it('fails the call, without running the service, when the start could not be recorded', async () => {
    let ran = false;
    const handler = createServiceHandler({} as SqlClient, { 'cards.save': async () => (ran = true) }, {
      beforeChange: async () => {
        throw new Error('the start of this try could not be recorded: database is gone');
      },
    });
    await expect(handler(job, 'cards.save', null)).rejects.toThrow('could not be recorded');
    expect(ran).toBe(false);
  });
});
