// The task-instance page shows a result indented, and cuts a large one with a note instead of sending megabytes.
import { describe, expect, it } from 'vitest';
import { previewJson } from '../../../app/dags/_components/json-preview';

describe('previewJson', () => {
  it('indents a small value and shows all of it', () => {
    expect(previewJson({ ks: 0.42, drift: true }, 100)).toEqual({ text: '{\n  "ks": 0.42,\n  "drift": true\n}', total: 33, cut: false });
    expect(previewJson(null, 100)).toEqual({ text: 'null', total: 4, cut: false });
  });

  it('cuts a large value at the limit and says how long the whole was', () => {
    const p = previewJson({ rows: Array.from({ length: 1000 }, (_, i) => i) }, 50);
    expect(p.cut).toBe(true);
    expect(p.text).toHaveLength(50);
    expect(p.total).toBe(JSON.stringify({ rows: Array.from({ length: 1000 }, (_, i) => i) }, null, 2).length);
  });

  it('does not end on half of a character outside the basic plane', () => {
    const p = previewJson('😀😀😀', 3); // '"' + the first emoji's two UTF-16 units
    expect(p).toMatchObject({ text: '"😀', cut: true });
    expect(previewJson('😀😀😀', 2).text).toBe('"');
  });
});
