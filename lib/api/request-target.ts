// Ids in API paths and query values are text the database stores and compares: a NUL or another control
// character can never be part of one (PostgreSQL refuses NUL in text outright), so such a request is answered
// 400 naming the character, before it reaches a handler or a query.

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

function controlIn(text: string): string | null {
  const match = CONTROL.exec(text);
  return match ? codePoint(match[0]) : null;
}

/** Why the path or query of `url` cannot name anything, or null when it can. */
export function requestTargetProblem(url: string): string | null {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  for (const segment of pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `the path segment '${segment}' is not valid percent-encoded UTF-8`;
    }
    const found = controlIn(decoded);
    if (found) return `the path segment ${JSON.stringify(decoded)} contains the control character ${found}; ids cannot contain control characters`;
  }
  for (const [name, value] of searchParams) {
    const found = controlIn(name) ?? controlIn(value);
    if (found) return `the query parameter ${JSON.stringify(name)} contains the control character ${found}; no parameter accepts control characters`;
  }
  return null;
}
