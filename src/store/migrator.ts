// One migration set for both databases, listed here so the build carries them with the code.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as foundation from './migrations/2026_11_23_0001_foundation.js';
import * as twoFactor from './migrations/2026_11_23_0002_two_factor.js';
import * as usersGrid from './migrations/2026_11_23_0003_users_grid.js';
import * as twoFactorPolicy from './migrations/2026_11_23_0004_two_factor_policy.js';
import * as textMessages from './migrations/2026_11_23_0005_text_messages.js';
import * as apiKeys from './migrations/2026_11_23_0006_api_keys.js';
import * as usersSearch from './migrations/2026_11_23_0007_users_search.js';
import * as apiKeyActor from './migrations/2026_11_29_0009_api_key_actor.js';
import * as secondFactorVerifiedAt from './migrations/2026_11_29_0010_second_factor_verified_at.js';
import * as smsAllowedCountries from './migrations/2026_11_29_0011_sms_allowed_countries.js';
import * as knownBrowsers from './migrations/2026_11_29_0012_known_browsers.js';
import * as oidcProvider from './migrations/2026_11_29_0014_oidc_provider.js';
import * as webauthn from './migrations/2026_11_29_0015_webauthn.js';
import * as singleSignOn from './migrations/2026_11_29_0016_single_sign_on.js';
import * as attestationRoots from './migrations/2026_11_29_0017_attestation_roots.js';
import * as sessionChangeNotices from './migrations/2026_11_29_0018_session_change_notices.js';
import type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '2026_11_23_0001_foundation': foundation,
  '2026_11_23_0002_two_factor': twoFactor,
  '2026_11_23_0003_users_grid': usersGrid,
  '2026_11_23_0004_two_factor_policy': twoFactorPolicy,
  '2026_11_23_0005_text_messages': textMessages,
  '2026_11_23_0006_api_keys': apiKeys,
  '2026_11_23_0007_users_search': usersSearch,
  '2026_11_29_0009_api_key_actor': apiKeyActor,
  '2026_11_29_0010_second_factor_verified_at': secondFactorVerifiedAt,
  '2026_11_29_0011_sms_allowed_countries': smsAllowedCountries,
  '2026_11_29_0012_known_browsers': knownBrowsers,
  '2026_11_29_0014_oidc_provider': oidcProvider,
  '2026_11_29_0015_webauthn': webauthn,
  '2026_11_29_0016_single_sign_on': singleSignOn,
  '2026_11_29_0017_attestation_roots': attestationRoots,
  '2026_11_29_0018_session_change_notices': sessionChangeNotices,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return (result.results ?? []).map((r) => `${r.migrationName}: ${r.status}`);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

/** N1: the migrations this code knows that the database has not run yet (readiness). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const known = await createMigrator(db).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/** Undoes every migration after `name` (tests of one migration's `down`). */
export async function migrateDownTo(db: Kysely<Database>, name: string): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateTo(name));
}

export async function migrateDown(db: Kysely<Database>): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateDown());
}
