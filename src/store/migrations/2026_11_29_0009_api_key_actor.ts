// K1 (issue 10 item 2): changes made with an API key are audited with their own actor type,
// 'api_key', with the key's creator as `actor_user_id` (the key acts with the creator's rights)
// and the key's id and name in the details. Until now they were 'system' with the key in the
// details; those events are rewritten to the new shape.
// audit_events' actor type is a column CHECK: PostgreSQL replaces the constraint; SQLite cannot
// alter a CHECK, so the table is rebuilt (same columns and indexes) inside one transaction.
import { SqliteAdapter, sql, type Kysely } from 'kysely';

const actorTypes = ['member', 'operator', 'system', 'anonymous', 'api_key'] as const;
const previousActorTypes = ['member', 'operator', 'system', 'anonymous'] as const;

function actorTypeCheck(types: readonly string[]) {
  return sql`actor_type in (${sql.join(types.map((type) => sql.lit(type)))})`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
async function rebuildSqliteAuditEvents(db: Kysely<any>, types: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable('audit_events_rebuilt')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
      .addColumn('actor_type', 'text', (c) => c.notNull().check(actorTypeCheck(types)))
      .addColumn('actor_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('target_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('ip', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    const columns = sql.raw('id, organization_id, actor_type, actor_user_id, type, target_user_id, ip, created_at, details');
    await sql`insert into audit_events_rebuilt (${columns}) select ${columns} from audit_events`.execute(trx);
    await trx.schema.dropTable('audit_events').execute();
    await trx.schema.alterTable('audit_events_rebuilt').renameTo('audit_events').execute();
    await trx.schema.createIndex('audit_events_organization').on('audit_events').columns(['organization_id', 'id']).execute();
    await trx.schema.createIndex('audit_events_organization_target').on('audit_events').columns(['organization_id', 'target_user_id', 'id']).execute();
    await trx.schema.createIndex('audit_events_organization_type').on('audit_events').columns(['organization_id', 'type', 'id']).execute();
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await rebuildSqliteAuditEvents(db, actorTypes);
    await sql`update audit_events
      set actor_type = 'api_key',
          actor_user_id = (select id from users where id = json_extract(audit_events.details, '$.actingUserId'))
      where actor_type = 'system' and json_extract(details, '$.apiKeyId') is not null`.execute(db);
    return;
  }
  await sql`alter table audit_events drop constraint if exists audit_events_actor_type_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_actor_type_check check (${actorTypeCheck(actorTypes)})`.execute(db);
  await sql`update audit_events
    set actor_type = 'api_key',
        actor_user_id = (select id from users where id = audit_events.details::jsonb ->> 'actingUserId')
    where actor_type = 'system' and details::jsonb ->> 'apiKeyId' is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  // The previous shape: the organization acting ('system'), the key and its creator in the details.
  if (isSqlite(db)) {
    await sql`update audit_events set actor_type = 'system', actor_user_id = null, details = json_set(details, '$.actingUserId', actor_user_id) where actor_type = 'api_key'`.execute(db);
    await rebuildSqliteAuditEvents(db, previousActorTypes);
    return;
  }
  await sql`update audit_events set actor_type = 'system', actor_user_id = null, details = (details::jsonb || jsonb_build_object('actingUserId', actor_user_id))::text where actor_type = 'api_key'`.execute(db);
  await sql`alter table audit_events drop constraint if exists audit_events_actor_type_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_actor_type_check check (${actorTypeCheck(previousActorTypes)})`.execute(db);
}
