// What both SQL hooks hand back: the handler's choice of rows, the row limit, JSON-safe values.
import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../lib/engine/task-context';
import { checkRowLimit, DEFAULT_MAX_ROWS, handleRows, jsonSafe } from '../../lib/hooks/sql-results';

describe('checkRowLimit', () => {
  it('fails handler rows beyond maxRows, naming the connection and the ways out', () => {
    expect(() => checkRowLimit(3, { maxRows: 2 }, 'shop')).toThrow(
      new NonRetriableError(
        "SQL on connection 'shop' returned 3 rows, more than maxRows (2): add a LIMIT or a WHERE, raise maxRows, or use handler 'first' or 'none'",
      ),
    );
    expect(() => checkRowLimit(DEFAULT_MAX_ROWS + 1, {}, 'shop')).toThrow(`more than maxRows (${DEFAULT_MAX_ROWS})`);
  });

  it('lets exactly maxRows through, and never limits handlers first and none', () => {
    expect(() => checkRowLimit(2, { maxRows: 2 }, 'shop')).not.toThrow();
    expect(() => checkRowLimit(5, { maxRows: 2, handler: 'first' }, 'shop')).not.toThrow();
    expect(() => checkRowLimit(5, { maxRows: 2, handler: 'none' }, 'shop')).not.toThrow();
  });
});

describe('handleRows', () => {
  const rows = [{ n: 1n, at: new Date('2024-01-02T03:04:05Z') }, { n: 2n, at: null }];

  it('returns every row, the first row or null, or null, JSON-safe', () => {
    expect(handleRows(rows)).toEqual([{ n: '1', at: '2024-01-02T03:04:05.000Z' }, { n: '2', at: null }]);
    expect(handleRows(rows, 'first')).toEqual({ n: '1', at: '2024-01-02T03:04:05.000Z' });
    expect(handleRows([], 'first')).toBeNull();
    expect(handleRows(rows, 'none')).toBeNull();
  });

  it('writes bytes as \\x hex and non-finite numbers as text', () => {
    expect(jsonSafe({ raw: Buffer.from([0xde, 0xad]), inf: Infinity, nan: NaN })).toEqual({ raw: '\\xdead', inf: 'Infinity', nan: 'NaN' });
  });
});
