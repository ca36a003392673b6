// Where the key that encrypts secrets at rest comes from: FLASHFLOW_SECRET_KEY when set, else
// $FLASHFLOW_HOME/secret.key, generated once (mode 600) on first start like Airflow's fernet key in airflow.cfg.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureHomeDir } from '../store/home-dir';
import { SecretBox } from './secret-box';

export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const HOW_TO_MAKE_ONE = 'e.g. `openssl rand -base64 32`';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export interface LoadSecretBoxOptions {
  /** The value of FLASHFLOW_SECRET_KEY (config.secretKey), or null/undefined when unset. */
  envKey?: string | null;
  /** $FLASHFLOW_HOME, where secret.key is read or generated. */
  home: string;
  /**
   * Write a new secret.key when there is neither an env key nor a file; default true. Pass false where a new key
   * would be wrong, e.g. a second machine of a scale-out installation that must share the first one's key.
   */
  generate?: boolean;
}

export interface LoadedSecretBox {
  box: SecretBox;
  source: 'env' | 'file' | 'generated';
  /** The key file read or written; null for an env key. */
  file: string | null;
  /** Things an operator should hear about at startup (a world-readable key file, a freshly generated key). */
  warnings: string[];
}

export function loadSecretBox(options: LoadSecretBoxOptions): LoadedSecretBox {
  if (options.envKey != null && options.envKey.trim() !== '') {
    return { box: new SecretBox(parseSecretKeys(options.envKey, 'FLASHFLOW_SECRET_KEY')), source: 'env', file: null, warnings: [] };
  }
  const file = path.join(options.home, SECRET_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing !== null) return { box: new SecretBox(parseSecretKeys(existing, file)), source: 'file', file, warnings: modeWarnings(file) };
  if (options.generate === false) {
    throw new SecretKeyError(
      `no secret key to encrypt connections with: set FLASHFLOW_SECRET_KEY (${HOW_TO_MAKE_ONE}) or copy the ` +
        `installation's key to ${file}`,
    );
  }
  ensureHomeDir(options.home);
  try {
    // 'wx': if another process generated one first, use that one rather than overwriting it.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { box: new SecretBox(parseSecretKeys(readKeyFile(file) ?? '', file)), source: 'file', file, warnings: modeWarnings(file) };
  }
  return {
    box: new SecretBox(parseSecretKeys(readFileSync(file, 'utf8'), file)),
    source: 'generated',
    file,
    warnings: [`generated a new secret key in ${file}; back it up: connections encrypted with it cannot be read without it`],
  };
}

/**
 * One key or several separated by commas or newlines (the first encrypts, all decrypt), each 32 bytes written as
 * 64 hex digits or base64/base64url. Passphrases are refused: a derived key with one app-wide salt would make
 * every weak passphrase guessable offline from any stolen database.
 */
export function parseSecretKeys(text: string, where: string): Buffer[] {
  // Not split on spaces: a passphrase must be refused as one value, not reported word by word.
  const words = text.split(/[,\r\n]+/).map((w) => w.trim()).filter(Boolean);
  if (words.length === 0) throw new SecretKeyError(`${where} is empty; it must hold a 32-byte key (${HOW_TO_MAKE_ONE})`);
  return words.map((word, index) => parseOneKey(word, words.length > 1 ? `${where} (key ${index + 1})` : where));
}

function parseOneKey(word: string, where: string): Buffer {
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(word)) key = Buffer.from(word, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(word)) key = Buffer.from(word, 'base64');
  // The value itself is never echoed: it may be a real key with a typo.
  if (key?.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${where} is not a valid key: it must be ${KEY_BYTES} random bytes written as 64 hex digits or as base64 ` +
        `(${HOW_TO_MAKE_ONE}); got ${word.length} characters`,
    );
  }
  return key;
}

function readKeyFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SecretKeyError(`cannot read the secret key file ${file}: ${(error as Error).message}`);
  }
}

function modeWarnings(file: string): string[] {
  const mode = statSync(file).mode & 0o777;
  return mode & 0o077 ? [`${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``] : [];
}
