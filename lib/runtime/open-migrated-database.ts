// The database of an install, opened and migrated: the embedded one under the home's lock, or PostgreSQL. Its own
// module because every CLI command that works on the database needs it, and most of them nothing else of the
// runtime (start-runtime.ts pulls in the scheduler, the executors and the alert channels).
import path from 'node:path';
import { openDatabase, type Database } from '../store/database';
import { acquireHomeLock } from '../store/home-lock';
import { migrate } from '../store/migrate';
import type { FlashflowConfig } from './config';

export async function openMigratedDatabase(config: FlashflowConfig): Promise<Database> {
  const lock = config.databaseUrl ? undefined : acquireHomeLock(config.home);
  try {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.home, 'db'), lock });
    try {
      await migrate(db.sql);
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  } catch (err) {
    lock?.release();
    throw err;
  }
}
