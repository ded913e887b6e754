import { describe, expect, it } from 'vitest';
import { cacheSessionLookups } from './session-cache.js';
import type { SessionLookup, SessionRecord } from './session-lookup.js';

/** A look-up that counts its reads and can hold one back until told to answer. */
function countingLookup() {
  const reads: string[] = [];
  let held: (() => void) | undefined;
  let holdNext = false;
  const lookup: SessionLookup = {
    async findByTokenHash(tokenHash) {
      reads.push(tokenHash);
      if (holdNext) {
        holdNext = false;
        await new Promise<void>((resolve) => (held = resolve));
      }
      return tokenHash.startsWith('known') ? ({ session: { id: tokenHash } } as unknown as SessionRecord) : undefined;
    },
    close() {},
  };
  return { lookup, reads, holdNextRead: () => (holdNext = true), release: () => held?.() };
}

describe('session cache (issue 16 item 3)', () => {
  it('answers a known token from memory until something changes', async () => {
    const { lookup, reads } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 10, feedConnected: true });
    await cache.findByTokenHash('known-1');
    await cache.findByTokenHash('known-1');
    expect(reads).toEqual(['known-1']);
    cache.forget();
    await cache.findByTokenHash('known-1');
    expect(reads).toEqual(['known-1', 'known-1']);
  });

  it('never keeps unknown tokens, and reads the database when asked for a fresh answer', async () => {
    const { lookup, reads } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 10, feedConnected: true });
    expect(await cache.findByTokenHash('guess')).toBeUndefined();
    expect(await cache.findByTokenHash('guess')).toBeUndefined();
    await cache.findByTokenHash('known-1');
    await cache.findByTokenHash('known-1', { fresh: true });
    expect(reads).toEqual(['guess', 'guess', 'known-1', 'known-1']);
  });

  it('does not keep an answer read while something changed', async () => {
    const { lookup, reads, holdNextRead, release } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 10, feedConnected: true });
    holdNextRead();
    const pending = cache.findByTokenHash('known-1');
    cache.forget();
    release();
    expect(await pending).toBeDefined();
    await cache.findByTokenHash('known-1');
    expect(reads).toEqual(['known-1', 'known-1']);
  });

  it('keeps nothing while the change feed is not connected, and forgets all when it drops', async () => {
    const { lookup, reads } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 10, feedConnected: false });
    await cache.findByTokenHash('known-1');
    await cache.findByTokenHash('known-1');
    expect(reads).toHaveLength(2);
    cache.setFeedConnected(true);
    await cache.findByTokenHash('known-1');
    await cache.findByTokenHash('known-1');
    expect(reads).toHaveLength(3);
    cache.setFeedConnected(false);
    await cache.findByTokenHash('known-1');
    expect(reads).toHaveLength(4);
  });

  it('holds at most maxEntries answers, dropping the oldest', async () => {
    const { lookup, reads } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 2, feedConnected: true });
    for (const token of ['known-1', 'known-2', 'known-3', 'known-3', 'known-2', 'known-1']) await cache.findByTokenHash(token);
    expect(reads).toEqual(['known-1', 'known-2', 'known-3', 'known-1']);
  });

  it('asks the change feed before using what it keeps', async () => {
    const { lookup, reads } = countingLookup();
    const cache = cacheSessionLookups(lookup, { maxEntries: 10, feedConnected: true });
    let changedElsewhere = false;
    cache.beforeUse = () => {
      if (changedElsewhere) cache.forget();
    };
    await cache.findByTokenHash('known-1');
    await cache.findByTokenHash('known-1');
    changedElsewhere = true;
    await cache.findByTokenHash('known-1');
    expect(reads).toEqual(['known-1', 'known-1']);
  });
});
