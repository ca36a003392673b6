// A task's return value becomes its XCom: it must be JSON, and small. Checked in the runner so the task's own
// log says what was wrong, before anything crosses a process boundary.
import { formatBytes } from '../../kernel/format-bytes';

export type XcomCheck = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Returns the value as it will be stored (its JSON form: undefined → null, Dates → ISO strings), or why it
 * cannot be an XCom.
 */
export function toXcom(value: unknown, maxBytes: number): XcomCheck {
  if (value === undefined) return { ok: true, value: null };
  const problem = findNonJson(value, '$', new Set());
  if (problem) return { ok: false, problem: `returned a value that is not JSON: ${problem}` };
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    return {
      ok: false,
      problem:
        `returned ${formatBytes(bytes)} of XCom, more than the limit of ${formatBytes(maxBytes)}; ` +
        'store large data elsewhere and return a reference to it',
    };
  }
  return { ok: true, value: JSON.parse(text) };
}

function findNonJson(value: unknown, path: string, ancestors: Set<object>): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined': // dropped from objects and null in arrays, as JSON.stringify does
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${value} at ${path}`;
    case 'bigint':
      return `a BigInt at ${path}`;
    case 'function':
      return `a function at ${path}`;
    case 'symbol':
      return `a symbol at ${path}`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? `an invalid Date at ${path}` : null;
  if (ancestors.has(obj)) return `a circular reference at ${path}`;
  const isArray = Array.isArray(obj);
  const proto: unknown = Object.getPrototypeOf(obj);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `an instance of ${obj.constructor?.name || 'an unnamed class'} at ${path}`;
  }
  ancestors.add(obj);
  try {
    if (isArray) {
      for (let i = 0; i < obj.length; i++) {
        const found = findNonJson(obj[i], `${path}[${i}]`, ancestors);
        if (found) return found;
      }
    } else {
      for (const [key, child] of Object.entries(obj)) {
        const found = findNonJson(child, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors);
        if (found) return found;
      }
    }
    return null;
  } finally {
    ancestors.delete(obj);
  }
}
