// The paths whose body is a file a task wrote (an HTML report, an SVG chart) rather than something of this app's.
// They get their own Content-Security-Policy: `sandbox` gives the document an opaque origin and no scripts, so
// such a file can neither run code nor read the session. Styles and inline (data:) images stay allowed, so a
// report still looks like one. The HTTP gate sets security headers before Next runs, and Next never replaces a
// header that is already set, so the gate picks the policy by path here; handlers send the same value.
import { getTaskInstanceArtifact } from './contracts/artifacts';

export const SANDBOX_CSP =
  "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self' data:; style-src 'unsafe-inline'; font-src data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const SANDBOXED = [getTaskInstanceArtifact].map((e) => new RegExp(`^/api/v1${e.path.replace(/\{[^}]+\}/g, '[^/]+')}$`));

/** `pathname` as the request line has it, still percent-encoded. */
export function isSandboxedPath(pathname: string): boolean {
  return SANDBOXED.some((p) => p.test(pathname));
}
