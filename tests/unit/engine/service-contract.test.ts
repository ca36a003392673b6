import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TryIdentity } from '../../../lib/engine/executor-port';
import { createServiceClients, service, serviceEndpoints, serviceHandler } from '../../../lib/engine/service-contract';

const job: TryIdentity = { tiId: 't1', dagId: 'd', runId: 'r', taskId: 'x', mapIndex: -1, tryNumber: 1 };

const registry = {
  cards: {
    save: service({ input: z.object({ word: z.string().min(1) }), output: z.object({ id: z.number().int() }) }),
    read: service({ input: z.object({ id: z.number().int() }), output: z.string().nullable(), readOnly: true }),
  },
};

describe('service contracts: the owning side', () => {
  it('holds a service that changes something until beforeChange resolves, and lets a read-only one through', async () => {
    const order: string[] = [];
    let release!: () => void;
    const recorded = new Promise<void>((resolve) => (release = resolve));
    const handler = serviceHandler(
      serviceEndpoints(registry, {
        cards: {
          save: async () => (order.push('save'), { id: 1 }),
          read: async () => (order.push('read'), null),
        },
      }),
      {
        beforeChange: (j) => {
          order.push(`wait for ${j.tiId}#${j.tryNumber}`);
          return recorded;
        },
      },
    );
    const save = handler(job, 'cards.save', { word: 'chat' });
    await handler(job, 'cards.read', { id: 1 });
    expect(order).toEqual(['wait for t1#1', 'read']);
    release();
    expect(await save).toEqual({ id: 1 });
    expect(order).toEqual(['wait for t1#1', 'read', 'save']);
  });

  it('fails the call, without running the service, when the start could not be recorded', async () => {
    let ran = false;
    const handler = serviceHandler(serviceEndpoints(registry, { cards: { save: async () => ((ran = true), { id: 1 }), read: async () => null } }), {
      beforeChange: async () => {
        throw new Error('the start of this try could not be recorded: database is gone');
      },
    });
    await expect(handler(job, 'cards.save', { word: 'chat' })).rejects.toThrow('could not be recorded');
    expect(ran).toBe(false);
  });

  it('refuses an input that breaks the contract before the implementation runs, and an answer that breaks it after', async () => {
    let ran = 0;
    const handler = serviceHandler(
      serviceEndpoints(registry, {
        // @ts-expect-error the implementation answers the wrong shape: the type check refuses it, the contract too
        cards: { save: async () => (ran++, { id: 'seven' }), read: async () => null },
      }),
    );
    await expect(handler(job, 'cards.save', { word: '' })).rejects.toMatchObject({
      name: 'ServiceContractError',
      message: 'service cards.save: the input does not match its contract: word: Too small: expected string to have >=1 characters',
    });
    expect(ran).toBe(0);
    await expect(handler(job, 'cards.save', { word: 'chat' })).rejects.toThrow(/^service cards\.save: the answer does not match its contract: id: /);
    expect(ran).toBe(1);
    await expect(handler(job, 'cards.delete', {})).rejects.toThrow("unknown service 'cards.delete'; known: cards.read, cards.save");
  });
});

describe('service contracts: the task side', () => {
  it('sends the input as written under domain.name and returns the parsed answer', async () => {
    const sent: Array<[string, unknown]> = [];
    const clients = createServiceClients(registry, async (method, input) => {
      sent.push([method, input]);
      return method === 'cards.save' ? { id: 7 } : 'chat';
    });
    expect(await clients.cards.save({ word: 'chat' })).toEqual({ id: 7 });
    expect(await clients.cards.read({ id: 7 })).toBe('chat');
    expect(sent).toEqual([['cards.save', { word: 'chat' }], ['cards.read', { id: 7 }]]);
  });

  it('checks the input before sending and the answer before returning', async () => {
    let sends = 0;
    const clients = createServiceClients(registry, async () => (sends++, { id: 'x' }));
    await expect(clients.cards.save({ word: '' })).rejects.toThrow(/^service cards\.save: the input does not match its contract/);
    expect(sends).toBe(0);
    await expect(clients.cards.save({ word: 'chat' })).rejects.toMatchObject({ name: 'ServiceContractError' });
  });
});
