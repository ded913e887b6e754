// Issue 16 item 3: servers remember recent session look-ups (store/session-cache.ts); on PostgreSQL
// every instance must forget them as soon as anything they hold changes, whoever wrote it (another
// instance, the operator CLI, a hand-written statement). Triggers send one notice per statement on
// `tessera_session_data`; PostgreSQL delivers it at commit (never for a rollback) and folds repeats
// within a transaction. A session's `last_seen_at` alone changing (once a minute per session) sends
// none: it only moves the idle deadline, which is re-read before a session is ended for idling.
// SQLite needs no trigger: its readers see `PRAGMA data_version` move (store/session-change-feeds.ts).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The tables whose rows the session look-up reads (store/session-lookup.ts). */
const tablesReadWithSessions = ['users', 'organizations', 'totp_credentials', 'sms_numbers', 'webauthn_credentials'];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create function tessera_session_data_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('tessera_session_data', '');
      return null;
    end $$`.execute(db);
  for (const table of tablesReadWithSessions) {
    await sql`create trigger ${sql.id(`${table}_session_data_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function tessera_session_data_changed()`.execute(db);
  }
  await sql`create trigger sessions_deleted_session_data_changed after delete or truncate on sessions
    for each statement execute function tessera_session_data_changed()`.execute(db);
  await sql`create trigger sessions_updated_session_data_changed after update on sessions
    for each row when ((to_jsonb(old) - 'last_seen_at') is distinct from (to_jsonb(new) - 'last_seen_at'))
    execute function tessera_session_data_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const table of tablesReadWithSessions) await sql`drop trigger if exists ${sql.id(`${table}_session_data_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop trigger if exists sessions_deleted_session_data_changed on sessions`.execute(db);
  await sql`drop trigger if exists sessions_updated_session_data_changed on sessions`.execute(db);
  await sql`drop function if exists tessera_session_data_changed()`.execute(db);
}
