// Migration 0009 (issue 10 item 2): audit_events accepts the 'api_key' actor type, events made
// with a key before it (actor 'system', the key in the details) take the new shape, and `down`
// gives the previous shape back — on both databases (SQLite rebuilds the table).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { systemRandom } from '../../src/security/system-random.js';
import { migrateDownTo, migrateToLatest } from '../../src/store/migrator.js';

/** The migration before 0009: going back to it undoes 0009 and any later one. */
const beforeApiKeyActor = '2026_11_23_0007_users_search';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { signUpMember, type Member } from '../support/two-factor.js';

describe(`migration 0009: the api_key audit actor on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let ada: Member;
  beforeAll(async () => {
    t = await createTestApp();
    ada = await signUpMember(t, { email: 'ada@migration.example', organization: 'Migration' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function insertEvent(actorType: string, actorUserId: string | null, details: Record<string, unknown>): Promise<string> {
    const id = newId(t.clock.now().getTime(), systemRandom);
    await sql`insert into audit_events (id, organization_id, actor_type, actor_user_id, type, target_user_id, ip, created_at, details)
      values (${id}, ${ada.organizationId}, ${actorType}, ${actorUserId}, 'user.role_changed', ${ada.userId}, '192.0.2.1', ${t.clock.now().getTime()}, ${JSON.stringify(details)})`.execute(t.store.db);
    return id;
  }

  async function readEvent(id: string) {
    const row = await t.store.db.selectFrom('auditEvents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { actorType: row.actorType, actorUserId: row.actorUserId, details: JSON.parse(row.details) as Record<string, unknown> };
  }

  it('K1 up rewrites earlier key events to the api_key actor; down restores them; the table keeps its rows, checks and indexes', async () => {
    expect(await migrateDownTo(t.store.db, beforeApiKeyActor)).toContain('2026_11_29_0009_api_key_actor: Success');
    await expect(insertEvent('api_key', ada.userId, {})).rejects.toThrow();
    const keyEvent = await insertEvent('system', null, { from: 'member', to: 'admin', apiKeyId: 'key-1', actingUserId: ada.userId });
    const systemEvent = await insertEvent('system', null, { job: 'reminders' });
    const memberEvent = await insertEvent('member', ada.userId, { from: 'admin', to: 'member' });
    const before = await t.store.db.selectFrom('auditEvents').select('id').execute();

    await migrateToLatest(t.store.db);
    expect(await readEvent(keyEvent)).toEqual({ actorType: 'api_key', actorUserId: ada.userId, details: { from: 'member', to: 'admin', apiKeyId: 'key-1', actingUserId: ada.userId } });
    expect(await readEvent(systemEvent)).toEqual({ actorType: 'system', actorUserId: null, details: { job: 'reminders' } });
    expect(await readEvent(memberEvent)).toMatchObject({ actorType: 'member', actorUserId: ada.userId });
    expect((await t.store.db.selectFrom('auditEvents').select('id').execute()).length).toBe(before.length);
    // The new type is accepted, anything else still refused.
    await insertEvent('api_key', ada.userId, { apiKeyId: 'key-2', apiKeyName: 'Sync' });
    await expect(insertEvent('robot', null, {})).rejects.toThrow();
    // The organization's log still reads (its index is back).
    expect((await ada.browser.get('/api/v1/organization/audit-events')).statusCode).toBe(200);

    await migrateDownTo(t.store.db, beforeApiKeyActor);
    expect(await readEvent(keyEvent)).toEqual({ actorType: 'system', actorUserId: null, details: { from: 'member', to: 'admin', apiKeyId: 'key-1', actingUserId: ada.userId } });
    await expect(insertEvent('api_key', ada.userId, {})).rejects.toThrow();
    await migrateToLatest(t.store.db);
    expect(await readEvent(keyEvent)).toMatchObject({ actorType: 'api_key', actorUserId: ada.userId });
  });
});
