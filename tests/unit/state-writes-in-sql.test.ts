// The static half of ADR 0021: SQL in lib/ writes its task-instance and DAG-run states out of the transition table's
// named moves and groups (lib/store/sql-states.ts), never by hand, so no statement can write a state pair the table
// does not know. The dynamic half (tests/db/state-transitions.test.ts) watches what the statements do.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DAG_RUN_STATES, TASK_STATES } from '../../lib/engine/task-states';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED = [path.join('lib', 'store', 'generated'), path.join('lib', 'engine', 'task-states.ts')];

const STATE_LITERAL = new RegExp(`'(${[...new Set([...TASK_STATES, ...DAG_RUN_STATES])].join('|')})'`);
const WRITES_STATE = /\b(UPDATE\s+(task_instance|dag_run)|INSERT\s+INTO\s+(task_instance|dag_run))\b/i;
const LITERAL_STATE_LIST = /\bstate\s+(NOT\s+)?IN\s*\(\s*'/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (SKIPPED.includes(rel)) return [];
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

/** The text of every string and template literal of a file (a template's expressions left out), with its line. */
function literals(file: string): Array<{ line: number; text: string }> {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('${…}');
    if (text !== null) found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `file:line` of each literal that breaks the rule. */
function offenders(rule: (sql: string) => boolean): string[] {
  return sourceFiles('lib').flatMap((file) => literals(file).filter((l) => rule(l.text)).map((l) => `${file}:${l.line}`));
}

describe('state values in SQL come from the transition table', () => {
  it('names no state in a statement that writes task_instance or dag_run', () => {
    expect(offenders((sql) => WRITES_STATE.test(sql) && STATE_LITERAL.test(sql))).toEqual([]);
  });

  it('spells no state list in SQL: a list is a named group of the table', () => {
    expect(offenders((sql) => LITERAL_STATE_LIST.test(sql))).toEqual([]);
  });

  it('finds the statements it checks', () => {
    expect(offenders((sql) => WRITES_STATE.test(sql)).length).toBeGreaterThan(10);
  });
});
