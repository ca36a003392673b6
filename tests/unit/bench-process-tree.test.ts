// The benchmarks' view of a process tree from /proc: a root and its descendants, with their memory.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTree, scriptOf, treeCpuS, treeMemory } from '../../bench/process-tree';

describe('bench process tree', () => {
  it('finds a child and a grandchild under their root and sums their memory', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      let tree: number[] = [];
      for (let i = 0; i < 100 && tree.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
        tree = processTree(child.pid!);
      }
      expect(tree).toHaveLength(2); // sh and its sleep
      expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, ...tree]));
      const mem = treeMemory(child.pid!);
      expect(mem.processes.map((p) => p.pid).sort()).toEqual([...tree].sort());
      expect(mem.processes.some((p) => p.command.startsWith('sleep'))).toBe(true);
      expect(mem.rssMb).toBeCloseTo(mem.processes.reduce((a, p) => a + p.rssMb, 0));
      expect(mem.pssMb).toBeGreaterThan(0);
      expect(mem.pssMb).toBeLessThanOrEqual(mem.rssMb);
      expect(treeCpuS(process.pid)).toBeGreaterThan(0);
      expect(processTree(2 ** 22 + 1)).toEqual([]); // above pid_max: no such process
    } finally {
      for (const pid of processTree(child.pid!).reverse()) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('the script of a command line', () => {
  it('skips options and the values of those that take one', () => {
    expect(scriptOf(['bin/flashflow.js', 'standalone'])).toBe('bin/flashflow.js');
    expect(scriptOf(['--import', '/x/tsx/dist/loader.mjs', '--import', '/x/register.mjs', '/x/lib/executors/local/runner.ts', '{"heartbeatMs":5000}']))
      .toBe('/x/lib/executors/local/runner.ts');
    expect(scriptOf(['--conditions=node', '-r', 'a.cjs', 'main.js'])).toBe('main.js');
    expect(scriptOf(['--version'])).toBe('');
  });
});
