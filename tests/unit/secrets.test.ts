// Secrets at rest: AES-256-GCM ciphertexts that name their key, and where the key comes from.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyId, SecretBox, SecretDecryptionError } from '../../lib/secrets/secret-box';
import { loadSecretBox, parseSecretKeys, SecretKeyError } from '../../lib/secrets/secret-key';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('SecretBox', () => {
  it('round-trips text, unicode and the empty string, with a fresh IV each time', () => {
    const box = new SecretBox([keyA]);
    for (const secret of ['hunter2', 'mot de passe é 🔑', '', 'x'.repeat(10_000)]) {
      const sealed = box.encrypt(secret, 'connection/db/password');
      expect(sealed).toMatch(new RegExp(`^v1:${box.primaryKeyId}:[A-Za-z0-9_-]+$`));
      expect(sealed).not.toContain(secret || '\u0000');
      expect(box.decrypt(sealed, 'connection/db/password')).toBe(secret);
    }
    expect(box.encrypt('same', 'c')).not.toBe(box.encrypt('same', 'c'));
  });

  it('detects a tampered ciphertext instead of returning garbage', () => {
    const box = new SecretBox([keyA]);
    const sealed = box.encrypt('hunter2', 'ctx');
    const raw = Buffer.from(sealed.split(':')[2]!, 'base64url');
    for (const index of [0, 13, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[index]! ^= 0x01;
      const tampered = `v1:${box.primaryKeyId}:${flipped.toString('base64url')}`;
      expect(() => box.decrypt(tampered, 'ctx')).toThrow(/altered or belongs to another record/);
    }
    expect(() => box.decrypt(`v1:${box.primaryKeyId}:AAAA`, 'ctx')).toThrow(/truncated/);
  });

  it('refuses a ciphertext moved to another record or field (associated data)', () => {
    const box = new SecretBox([keyA]);
    const sealed = box.encrypt('hunter2', 'connection/a/password');
    expect(() => box.decrypt(sealed, 'connection/b/password')).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(sealed, 'connection/a/extra')).toThrow(/altered or belongs to another record/);
  });

  it('names both keys when a ciphertext was made with a key it does not have', () => {
    const sealed = new SecretBox([keyA]).encrypt('hunter2', 'ctx');
    const other = new SecretBox([keyB]);
    expect(() => other.decrypt(sealed, 'ctx')).toThrow(
      `it was encrypted with key ${keyId(keyA)}, but the configured secret key is ${keyId(keyB)}`,
    );
  });

  it('says so for an unknown format version or plain text', () => {
    const box = new SecretBox([keyA]);
    expect(() => box.decrypt('v2:abc:def', 'ctx')).toThrow('it uses ciphertext format v2, which this version of Flashflow cannot read');
    expect(() => box.decrypt('hunter2', 'ctx')).toThrow('it is not a Flashflow ciphertext');
  });

  it('encrypts with the first key and decrypts with any (rotation)', () => {
    const old = new SecretBox([keyA]);
    const sealedOld = old.encrypt('old secret', 'ctx');
    const rotated = new SecretBox([keyB, keyA]);
    expect(rotated.decrypt(sealedOld, 'ctx')).toBe('old secret');
    expect(rotated.isCurrent(sealedOld)).toBe(false);
    const sealedNew = rotated.encrypt('new secret', 'ctx');
    expect(rotated.isCurrent(sealedNew)).toBe(true);
    expect(() => old.decrypt(sealedNew, 'ctx')).toThrow(/encrypted with key/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox([randomBytes(16)])).toThrow('a secret key must be 32 bytes, got 16');
    expect(() => new SecretBox([])).toThrow(/at least one key/);
  });
});

describe('secret keys', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    home = undefined;
  });
  const newHome = (): string => (home = mkdtempSync(path.join(tmpdir(), 'flashflow-secrets-')));

  it('accepts 32 bytes as hex, base64 or base64url, and several separated by commas', () => {
    expect(parseSecretKeys(keyA.toString('hex'), 'K')[0]).toEqual(keyA);
    expect(parseSecretKeys(keyA.toString('base64'), 'K')[0]).toEqual(keyA);
    expect(parseSecretKeys(` ${keyA.toString('base64url')}\n`, 'K')[0]).toEqual(keyA);
    expect(parseSecretKeys(`${keyB.toString('base64')},${keyA.toString('hex')}`, 'K')).toEqual([keyB, keyA]);
  });

  it('refuses a passphrase or a short key without echoing it', () => {
    const attempt = () => parseSecretKeys('correct horse battery staple', 'FLASHFLOW_SECRET_KEY');
    expect(attempt).toThrow(SecretKeyError);
    expect(attempt).toThrow(/FLASHFLOW_SECRET_KEY is not a valid key: it must be 32 random bytes .*openssl rand -base64 32/);
    expect(attempt).toThrow('got 28 characters');
    expect(() => parseSecretKeys(randomBytes(16).toString('base64'), 'K')).toThrow('got 24 characters');
    expect(() => parseSecretKeys(`${keyA.toString('hex')},short`, 'K')).toThrow('K (key 2) is not a valid key');
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('horse');
    }
    expect(() => parseSecretKeys(' , ', 'K')).toThrow('K is empty');
  });

  it('generates $FLASHFLOW_HOME/secret.key once, mode 600, and reuses it', () => {
    const nested = path.join(newHome(), 'new-home');
    const first = loadSecretBox({ home: nested });
    expect(first.source).toBe('generated');
    expect(first.file).toBe(path.join(nested, 'secret.key'));
    expect(first.warnings[0]).toMatch(/generated a new secret key in .*back it up/);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = loadSecretBox({ home: nested });
    expect(second).toMatchObject({ source: 'file', warnings: [] });
    expect(second.box.primaryKeyId).toBe(first.box.primaryKeyId);
    expect(parseSecretKeys(readFileSync(first.file!, 'utf8'), 'f')).toHaveLength(1);
  });

  it('prefers FLASHFLOW_SECRET_KEY over the file and writes no file for it', () => {
    const home = newHome();
    const loaded = loadSecretBox({ home, envKey: keyA.toString('base64') });
    expect(loaded).toMatchObject({ source: 'env', file: null });
    expect(loaded.box.primaryKeyId).toBe(keyId(keyA));
    expect(() => statSync(path.join(home, 'secret.key'))).toThrow();
  });

  it('explains a missing key when generating is not allowed', () => {
    const home = newHome();
    expect(() => loadSecretBox({ home, generate: false })).toThrow(
      `no secret key to encrypt connections with: set FLASHFLOW_SECRET_KEY (e.g. \`openssl rand -base64 32\`) or copy the installation's key to ${path.join(home, 'secret.key')}`,
    );
  });

  it('names the key file when it is malformed and warns when others can read it', () => {
    const home = newHome();
    const file = path.join(home, 'secret.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => loadSecretBox({ home })).toThrow(`${file} is not a valid key`);
    writeFileSync(file, keyA.toString('hex'));
    chmodSync(file, 0o644);
    expect(loadSecretBox({ home }).warnings).toEqual([`${file} is readable by other users (mode 644); run \`chmod 600 ${file}\``]);
  });
});
