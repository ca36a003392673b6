// Random bearer secrets (session ids, CSRF tokens, API tokens) and the digest they are stored under. They carry
// 256 bits of randomness, so a plain sha256 is enough: nothing to brute-force, and a lookup stays one index probe.
import { createHash, randomBytes } from 'node:crypto';

export function randomSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
