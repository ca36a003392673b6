// `flashflow worker --queues --concurrency` parsing, and what a worker's log may show of a Redis URL.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main';
import { parseConcurrencyFlag, parseQueuesFlag } from '../../lib/cli/worker-flags';
import { bullQueueName } from '../../lib/executors/bullmq/wire';
import { redactUrl } from '../../lib/executors/bullmq/task-worker';

describe('flashflow worker flags', () => {
  it('reads a comma-separated queue list, trimming and dropping duplicates', () => {
    expect(parseQueuesFlag('gpu')).toEqual(['gpu']);
    expect(parseQueuesFlag(' default, gpu ,gpu,')).toEqual(['default', 'gpu']);
  });

  it('refuses a bad queue name or an empty list in one line', () => {
    expect(() => parseQueuesFlag('gpu,big gpu')).toThrow(InvalidArgumentError);
    expect(() => parseQueuesFlag('gpu,big gpu')).toThrow(/^'big gpu': a queue name is 1 to 64/);
    expect(() => parseQueuesFlag(' , ')).toThrow(/name at least one queue/);
  });

  it('takes a whole concurrency of at least 1', () => {
    expect(parseConcurrencyFlag('8')).toBe(8);
    for (const bad of ['0', '-1', '2.5', 'many', '']) expect(() => parseConcurrencyFlag(bad)).toThrow(InvalidArgumentError);
  });

  it("serves 'default' unless told otherwise", () => {
    const worker = buildProgram(() => { throw new Error('not loaded'); }).commands.find((c) => c.name() === 'worker')!;
    expect(worker.opts()).toEqual({ queues: ['default'] });
    worker.parseOptions(['--queues', 'gpu,cpu', '--concurrency', '3']);
    expect(worker.opts()).toEqual({ queues: ['gpu', 'cpu'], concurrency: 3 });
  });
});

describe('BullMQ queue names', () => {
  it("keep the default queue's name from before queues existed, and give the others their own", () => {
    expect(bullQueueName(undefined)).toBe('tasks');
    expect(bullQueueName('default')).toBe('tasks');
    expect(bullQueueName('gpu')).toBe('tasks.gpu');
  });
});

describe('a URL in a worker log line', () => {
  it('loses its password', () => {
    expect(redactUrl('redis://:hunter2@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(redactUrl('at redis://user:p%40ss@host:1 now')).toBe('at redis://user:***@host:1 now');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
