// M1 on SQLite: an FTS5 trigram index of the members' normalised names and e-mail addresses, so a
// substring search (the grid's `q`) reads the index instead of every member of the organization
// (a search that matches nobody scanned all 100,000). External content: the text stays in
// `users`; triggers keep the index in step. PostgreSQL has its trigram indexes since 0003.
import { SqliteAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`create virtual table users_search using fts5(name_normalized, email_normalized, content = 'users', content_rowid = 'rowid', tokenize = 'trigram')`.execute(db);
  await sql`create trigger users_search_after_insert after insert on users begin
    insert into users_search (rowid, name_normalized, email_normalized) values (new.rowid, new.name_normalized, new.email_normalized);
  end`.execute(db);
  await sql`create trigger users_search_after_delete after delete on users begin
    insert into users_search (users_search, rowid, name_normalized, email_normalized) values ('delete', old.rowid, old.name_normalized, old.email_normalized);
  end`.execute(db);
  // Only a change of the searched columns touches the index (sign-ins update other columns).
  await sql`create trigger users_search_after_update after update of name_normalized, email_normalized on users begin
    insert into users_search (users_search, rowid, name_normalized, email_normalized) values ('delete', old.rowid, old.name_normalized, old.email_normalized);
    insert into users_search (rowid, name_normalized, email_normalized) values (new.rowid, new.name_normalized, new.email_normalized);
  end`.execute(db);
  await sql`insert into users_search (users_search) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`drop trigger if exists users_search_after_update`.execute(db);
  await sql`drop trigger if exists users_search_after_delete`.execute(db);
  await sql`drop trigger if exists users_search_after_insert`.execute(db);
  await sql`drop table if exists users_search`.execute(db);
}
