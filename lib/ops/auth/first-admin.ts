// Like `airflow standalone`: the first start on a database without users creates `admin` with a random password,
// prints it once and leaves it in $FLASHFLOW_HOME/standalone_admin_password.txt (mode 600) for the owner to read.
import { randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { ensureHomeDir } from '../../store/home-dir';
import { ConflictError } from '../../kernel/errors';
import { countUsers, createUser, type AuthDb } from './user-accounts';

export const ADMIN_PASSWORD_FILE = 'standalone_admin_password.txt';

export async function ensureFirstAdmin(
  db: AuthDb,
  home: string,
  now: Date,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<{ created: boolean; passwordFile: string }> {
  const passwordFile = path.join(home, ADMIN_PASSWORD_FILE);
  if ((await countUsers(db)) > 0) return { created: false, passwordFile };
  const password = randomBytes(12).toString('base64url');
  try {
    await createUser(db, { username: 'admin', firstname: 'Admin', lastname: 'User', email: 'admin@example.com', role: 'Admin', password }, now);
  } catch (err) {
    // Another server on the same PostgreSQL created it first.
    if (err instanceof ConflictError) return { created: false, passwordFile };
    throw err;
  }
  ensureHomeDir(home);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already existed.
  chmodSync(passwordFile, 0o600);
  log('info', `created the first user: sign in as 'admin' with password ${password} (also in ${passwordFile}); change it with \`flashflow users reset-password --username admin\``);
  return { created: true, passwordFile };
}
