// Short-lived bearer tokens that let one task try call the webserver's services (Airflow 3's Task Execution API):
// the scheduler issues one when it queues a try, the webserver verifies it, and a worker never holds the secret key.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatZodIssues } from '../../kernel/zod-issues';
import { keyId } from '../../secrets/secret-box';

/** Tells a try token apart from a user's API token (`ff_…`) in headers, logs and secret scanners. */
export const TRY_TOKEN_PREFIX = 'fft_';
const KEY_BYTES = 32;
/** HKDF info: the encryption key is never used directly as a MAC key, and a new format gets a new label. */
const HKDF_INFO = 'flashflow try token v1';
/** `fft_<base64url JSON>.<base64url HMAC-SHA256>`; a 32-byte MAC is exactly 43 base64url characters. */
const SHAPE = /^fft_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[0-9a-f]{16}$/;

export const TryClaimsSchema = z.object({
  tiId: z.string().min(1),
  tryNumber: z.number().int().min(1),
  dagId: z.string().min(1),
  runId: z.string().min(1),
  taskId: z.string().min(1),
  mapIndex: z.number().int().min(-1),
});

/** The one task try a token speaks for; the webserver scopes every call made with it to this try. */
export interface TryClaims {
  tiId: string;
  tryNumber: number;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
}

const PayloadSchema = TryClaimsSchema.extend({ exp: z.number().int(), kid: z.string() });

export class TryTokenError extends Error {
  override name = 'TryTokenError';
}

/**
 * Signs with the first key and verifies with any of them, the same list SecretBox is built from, so rotating
 * FLASHFLOW_SECRET_KEY (new key first) keeps tokens already handed out valid until they expire.
 */
export class TryTokens {
  private readonly macKeys: Map<string, Buffer>;
  private readonly signingKeyId: string;

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('TryTokens needs at least one key');
    this.macKeys = new Map();
    for (const key of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`a secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
      // keyId is SecretBox's fingerprint, so an operator sees one id per key whichever feature names it.
      this.macKeys.set(keyId(key), Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), HKDF_INFO, KEY_BYTES)));
    }
    this.signingKeyId = keyId(keys[0]!);
  }

  /** The claims are trusted as typed: the scheduler builds them from its own row; verify is the boundary. */
  issue(claims: TryClaims, now: Date, ttlMs: number): string {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`a try token's lifetime must be positive, got ${ttlMs} ms`);
    const payload = { ...claims, exp: now.getTime() + ttlMs, kid: this.signingKeyId };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${TRY_TOKEN_PREFIX}${body}.${this.mac(this.macKeys.get(this.signingKeyId)!, body)}`;
  }

  /** Throws TryTokenError saying what is wrong; messages never contain the token, which is a live credential. */
  verify(token: string, now: Date): TryClaims {
    const match = SHAPE.exec(token);
    if (!match) {
      throw new TryTokenError(
        token.startsWith('ff_')
          ? 'it is an API token (ff_…), not a try token; task calls must use the token the scheduler issued for the try'
          : `it is not a try token (expected ${TRY_TOKEN_PREFIX}<claims>.<signature>)`,
      );
    }
    const [, body, signature] = match as unknown as [string, string, string];
    const payload = decodeJson(body);

    const kid = typeof payload === 'object' && payload !== null ? (payload as { kid?: unknown }).kid : undefined;
    if (typeof kid !== 'string' || !KEY_ID.test(kid)) throw new TryTokenError('it is not a try token (its claims name no key id)');
    const macKey = this.macKeys.get(kid);
    if (!macKey) {
      throw new TryTokenError(
        `it was signed with key ${kid}, which is not among the configured keys (${[...this.macKeys.keys()].join(', ')}); ` +
          'the scheduler and the webserver must share FLASHFLOW_SECRET_KEY',
      );
    }
    // Compared as canonical base64url text: Buffer.from(…, 'base64url') ignores the spare bits of the last
    // character, so comparing decoded bytes would accept some altered signatures.
    const expected = Buffer.from(this.mac(macKey, body), 'ascii');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'ascii'))) {
      throw new TryTokenError('its signature does not match (the token was altered or signed with another key)');
    }

    const parsed = PayloadSchema.safeParse(payload);
    if (!parsed.success) throw new TryTokenError(`its claims are invalid: ${formatZodIssues(parsed.error)}`);
    const { exp, kid: _kid, ...claims } = parsed.data;
    if (now.getTime() >= exp) {
      const ago = Math.round((now.getTime() - exp) / 1000);
      throw new TryTokenError(`it expired at ${new Date(exp).toISOString()} (${ago} s ago)`);
    }
    return claims;
  }

  private mac(macKey: Buffer, body: string): string {
    return createHmac('sha256', macKey).update(`${TRY_TOKEN_PREFIX}${body}`, 'utf8').digest('base64url');
  }
}

function decodeJson(body: string): unknown {
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TryTokenError('it is not a try token (its claims are not readable JSON)');
  }
}
