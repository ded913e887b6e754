import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.js';
import { writerCheckpointPages } from './sqlite-checkpointer.js';

const folders: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function openInFolder(backgroundCheckpoints: boolean): { store: Store; path: string } {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-checkpoint-'));
  folders.push(folder);
  const path = join(folder, 'tessera.db');
  const store = openStore(path, { backgroundCheckpoints });
  stores.push(store);
  return { store, path };
}

/** About 2 MiB in 500 commits: fewer pages than SQLite's own threshold (1,000), so the writer never checkpoints them itself. */
async function writeRows(store: Store): Promise<void> {
  await sql`create table filler (id integer primary key, body text not null)`.execute(store.db);
  for (let i = 0; i < 500; i++) await sql`insert into filler (body) values (${'x'.repeat(3_000)})`.execute(store.db);
}

async function databaseFileGrowsPast(path: string, bytes: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (statSync(path).size > bytes) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return statSync(path).size > bytes;
}

describe('SQLite checkpoints off the event loop (issue 16)', () => {
  it('a worker copies committed pages into the database file while the writer only appends to the log', async () => {
    const { store, path } = openInFolder(true);
    await writeRows(store);
    expect(await databaseFileGrowsPast(path, 1_500_000, 3_000)).toBe(true);
    // The writer's own threshold is raised, so its commits do not stop for a checkpoint.
    const threshold = await sql<{ walAutocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(threshold.rows[0]?.walAutocheckpoint).toBe(writerCheckpointPages);
  });

  it('without it, the same writes stay in the log until 1,000 pages (the threshold SQLite keeps by default)', async () => {
    const { store, path } = openInFolder(false);
    await writeRows(store);
    expect(await databaseFileGrowsPast(path, 1_500_000, 500)).toBe(false);
  });

  it('closing the store ends the worker, and the database stays whole', async () => {
    const { store, path } = openInFolder(true);
    await writeRows(store);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = openStore(path);
    stores.push(reopened);
    const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(reopened.db);
    expect(count.rows[0]?.n).toBe(500);
    const check = await sql<{ integrityCheck: string }>`pragma integrity_check`.execute(reopened.db);
    expect(check.rows[0]?.integrityCheck).toBe('ok');
  });
});
