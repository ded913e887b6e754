// A5 in the browser without waiting 10 minutes: moves the times a member's sessions last confirmed
// the password and proved a second factor into the past, in the server's SQLite file.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RunningServer } from './server.js';

export async function ageSessionConfirmations(server: RunningServer, email: string, byMilliseconds: number): Promise<void> {
  const db = new Database(join(server.dataDir, 'tessera.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `update sessions set reauthenticated_at = reauthenticated_at - ?, second_factor_verified_at = second_factor_verified_at - ?
       where user_id in (select id from users where email_normalized = ?)`,
    ).run(byMilliseconds, byMilliseconds, email.toLowerCase());
  } finally {
    db.close();
  }
  // A change made outside the server reaches its session cache within 0.2 s on SQLite (PRAGMA
  // data_version, src/store/session-change-feeds.ts): the next page must see it.
  await new Promise((resolve) => setTimeout(resolve, 300));
}
