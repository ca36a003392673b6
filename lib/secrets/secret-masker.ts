// Airflow's secrets masker for task logs: every secret a try was handed (a connection's password, secret-looking
// values of its extra) is replaced by *** in what the try writes to its log, before the line leaves the runner.
import { isSensitiveKey, MASK } from '../connections/connection-model';

/** Shorter values would mask ordinary words and digits all over the log (Airflow also leaves them alone). */
const MIN_SECRET_CHARS = 5;

export class SecretMasker {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  add(value: unknown): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS || this.secrets.has(value)) return;
    // The forms a secret commonly takes in a log: as is, URL-encoded (in a connection URI) and JSON-escaped.
    for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) this.secrets.add(form);
    const escaped = [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(escaped.join('|'), 'g');
  }

  /** A connection as the `connections.get` service returns it: its password and sensitive extra values. */
  addConnection(conn: unknown): void {
    if (conn === null || typeof conn !== 'object') return;
    const c = conn as { password?: unknown; extra?: unknown };
    this.add(c.password);
    let extra: unknown = c.extra;
    if (typeof extra === 'string') {
      try {
        extra = JSON.parse(extra);
      } catch {
        return;
      }
    }
    this.addSensitive(extra);
  }

  private addSensitive(value: unknown, sensitive = false): void {
    if (Array.isArray(value)) return value.forEach((v) => this.addSensitive(v, sensitive));
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) this.addSensitive(v, sensitive || isSensitiveKey(k));
      return;
    }
    if (sensitive) this.add(typeof value === 'number' ? String(value) : value);
  }

  isEmpty(): boolean {
    return this.pattern === null;
  }

  mask(text: string): string {
    const own = this.pattern ? text.replace(this.pattern, MASK) : text;
    return this === processSecrets ? own : processSecrets.mask(own);
  }

  /** Every string inside a JSON-like value masked (a record another process writes to the database). */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.maskDeep(v)) as T;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }
}

/**
 * Secrets every masker of this process hides (Airflow's mask_secret): a value cached for the whole runner, such
 * as the LLM key of lib/llm/provider-config.ts, is fetched by one try but shows up in the output of the next.
 */
const processSecrets = new SecretMasker();

export function maskInEveryLog(value: unknown): void {
  processSecrets.add(value);
}

/** `value` with every process-wide secret masked in its strings; the value itself when there is none. */
export function withoutProcessSecrets<T>(value: T): T {
  return processSecrets.isEmpty() ? value : processSecrets.maskDeep(value);
}
