// Authenticated encryption of secrets at rest (connection passwords and extras): AES-256-GCM from node:crypto.
// A ciphertext names the key that made it, so a wrong key is reported as such, never decrypted into garbage.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** `v1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`; a later format gets a new prefix, readers keep the old one. */
const PREFIX = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

/**
 * Encrypts with the first key, decrypts with whichever key a ciphertext names (Airflow's comma-separated
 * fernet keys): put a new key first, re-encrypt (reencryptConnections), then drop the old one.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  /** Id of the key new ciphertexts are made with. */
  readonly primaryKeyId: string;

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    this.keys = new Map();
    for (const key of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`a secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
      this.keys.set(keyId(key), Buffer.from(key));
    }
    this.primaryKeyId = keyId(keys[0]!);
  }

  /**
   * The keys, primary first, for other purposes to derive keys of their own from (try tokens use HKDF), so one
   * FLASHFLOW_SECRET_KEY serves the installation; never used for anything directly.
   */
  get keyMaterial(): Buffer[] {
    const primary = this.keys.get(this.primaryKeyId)!;
    return [primary, ...[...this.keys.values()].filter((k) => k !== primary)].map((k) => Buffer.from(k));
  }

  /** Ids of every key this box can decrypt with, the primary first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * `context` is bound to the ciphertext as associated data (e.g. `connection/my_db/password`), so a ciphertext
   * copied into another record or field fails to decrypt instead of silently moving a secret.
   */
  encrypt(plaintext: string, context: string): string {
    const key = this.keys.get(this.primaryKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(this.primaryKeyId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return `${PREFIX}:${this.primaryKeyId}:${packed}`;
  }

  /** Throws SecretDecryptionError saying whether the format, the key or the data is wrong. */
  decrypt(ciphertext: string, context: string): string {
    const parts = ciphertext.split(':');
    if (parts.length !== 3 || parts[0] !== PREFIX) {
      const version = /^(v\d+):/.exec(ciphertext)?.[1];
      throw new SecretDecryptionError(
        version ? `it uses ciphertext format ${version}, which this version of Flashflow cannot read` : 'it is not a Flashflow ciphertext',
      );
    }
    const [, kid, packed] = parts as [string, string, string];
    const key = this.keys.get(kid);
    if (!key) {
      throw new SecretDecryptionError(
        `it was encrypted with key ${kid}, but the configured secret key is ${this.keyIds.join(', ')}; ` +
          'restore the key it was made with (FLASHFLOW_SECRET_KEY or $FLASHFLOW_HOME/secret.key)',
      );
    }
    const raw = Buffer.from(packed, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError('the ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(kid, context));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('the ciphertext was altered or belongs to another record (authentication failed)');
    }
  }

  /** True when `value` is a ciphertext of the primary key (nothing to re-encrypt). */
  isCurrent(value: string): boolean {
    return value.startsWith(`${PREFIX}:${this.primaryKeyId}:`);
  }
}

/** A public fingerprint of a key: lets a ciphertext name its key without revealing anything about it. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('flashflow secret key id').digest('hex').slice(0, 16);
}

function associatedData(kid: string, context: string): Buffer {
  return Buffer.from(`${PREFIX}:${kid}:${context}`, 'utf8');
}
