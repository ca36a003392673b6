import { describe, expect, it } from 'vitest';
import { PASSWORD_HASH_SLOTS, hashPassword, verifyPassword } from '../../../lib/ops/auth/password-hash';

// A low cost keeps the suite fast; the default (2^17) is exercised by every test that creates a user.
const CHEAP = { logN: 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse', CHEAP);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsf', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash and keeps its parameters in the stored string', async () => {
    const a = await hashPassword('same', CHEAP);
    const b = await hashPassword('same', CHEAP);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
  });

  it('uses a memory-hard cost of 2^17 by default', async () => {
    expect(await hashPassword('x')).toMatch(/^scrypt\$17\$8\$1\$/);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const stored = await hashPassword('caf\u00e9-123', CHEAP);
    expect(await verifyPassword('cafe\u0301-123', stored)).toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of throwing or burning memory', async () => {
    for (const bad of ['', 'plain', 'bcrypt$10$x$y', 'scrypt$40$8$1$c2FsdA$a2V5', 'scrypt$x$8$1$c2FsdA$a2V5']) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it(`runs at most ${PASSWORD_HASH_SLOTS.capacity} hashes at once and queues the rest, leaving libuv threads for I/O`, async () => {
    const stored = await hashPassword('x', CHEAP);
    const checks = Array.from({ length: 5 }, () => verifyPassword('y', stored));
    expect([PASSWORD_HASH_SLOTS.running, PASSWORD_HASH_SLOTS.waiting]).toEqual([2, 3]);
    expect(await Promise.all(checks)).toEqual([false, false, false, false, false]);
    expect([PASSWORD_HASH_SLOTS.running, PASSWORD_HASH_SLOTS.waiting]).toEqual([0, 0]);
  });
});
