// Paths and queries that can name nothing (lib/api/request-target.ts): control characters and broken
// percent-encoding are named, ordinary ids (accents, spaces, '~') pass.
import { describe, expect, it } from 'vitest';
import { requestTargetProblem } from '../../lib/api/request-target';

describe('requestTargetProblem', () => {
  it('passes ordinary ids, encoded or not', () => {
    expect(requestTargetProblem('/api/v1/dags/~/dagRuns?state=running')).toBeNull();
    expect(requestTargetProblem('/api/v1/variables/caf%C3%A9%20cr%C3%A8me')).toBeNull();
  });

  it('names a NUL, a newline or a C1 control in a path segment by its code point', () => {
    expect(requestTargetProblem('/api/v1/dags/a%00b')).toBe(
      'the path segment "a\\u0000b" contains the control character U+0000; ids cannot contain control characters',
    );
    expect(requestTargetProblem('/api/v1/dags/x/dagRuns/run%0A1')).toMatch(/"run\\n1" contains the control character U\+000A/);
    expect(requestTargetProblem('/api/v1/dags/%C2%85')).toMatch(/U\+0085/);
  });

  it('names a control character in a query parameter', () => {
    expect(requestTargetProblem('/api/v1/dags?dag_id_pattern=a%00')).toMatch(/query parameter "dag_id_pattern" contains the control character U\+0000/);
  });

  it('refuses percent-encoding that is not UTF-8', () => {
    expect(requestTargetProblem('/api/v1/dags/%E0%A4%A')).toMatch(/'%E0%A4%A' is not valid percent-encoded UTF-8/);
  });
});
