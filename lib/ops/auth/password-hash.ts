// Passwords are stored as scrypt hashes (memory-hard, in node:crypto, so no native add-on to build). The parameters
// travel inside the stored string, so raising them later leaves existing hashes verifiable.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Semaphore } from '../../kernel/semaphore';

export interface ScryptParams {
  /** log2 of scrypt's cost N. */
  logN: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred ms per hash. */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Hashes that may run at once. scrypt runs on libuv's thread pool (4 threads by default), which file and database
 *  I/O share: a burst of logins must not take all of it (and 128 MiB each), or the scheduler beside it stalls. */
export const PASSWORD_HASH_SLOTS = new Semaphore(2);

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return PASSWORD_HASH_SLOTS.run(() => deriveNow(password, salt, params));
}

function deriveNow(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  // Node refuses anything above 32 MiB unless told: 128 × N × r bytes plus headroom.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const [kind, logN, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return null;
  const params = { logN: Number(logN), r: Number(r), p: Number(p) };
  if (![params.logN, params.r, params.p].every((n) => Number.isInteger(n) && n > 0) || params.logN > 22) return null;
  return { params, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash of a random password with the default cost: verified against when the username does not exist, so a
 *  wrong username takes as long as a wrong password and usernames cannot be probed by timing. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(16).toString('hex')));
}
