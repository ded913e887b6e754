// Issue 16 item 3: the session check (GET /api/v1/session, O8's /api/v1/auth/verify) is the most
// frequent request; its database read cost more than everything else on the path. Recent answers
// are kept here, and ALL of them are forgotten whenever anything may have changed:
// - a statement or commit of this process (change-observing-dialect.ts), before the answer to the
//   request that made it, so this instance never serves what it has just changed;
// - another process's commit: on PostgreSQL a notice from the 0018 triggers over LISTEN, on SQLite
//   a move of `PRAGMA data_version` (session-change-feeds.ts). While that feed is not connected
//   the cache is off, so a lost connection never leaves stale answers behind.
// An answer read while something changed is used for its request but not kept (the generation).
import type { SessionLookup, SessionRecord } from './session-lookup.js';

export interface SessionCache extends SessionLookup {
  /** Something may have changed: forget every answer (and any being read right now). */
  forget(): void;
  /** The change feed is connected (true) or lost (false, the cache is bypassed). */
  setFeedConnected(connected: boolean): void;
  /** Before each use of a kept answer: lets SQLite's feed look for other processes' commits. */
  beforeUse?: () => void;
}

export function cacheSessionLookups(lookup: SessionLookup, options: { maxEntries: number; feedConnected: boolean }): SessionCache {
  const answers = new Map<string, SessionRecord>();
  let generation = 0;
  let feedConnected = options.feedConnected;
  const cache: SessionCache = {
    async findByTokenHash(tokenHash, readOptions) {
      if (feedConnected && !readOptions?.fresh) {
        cache.beforeUse?.();
        const kept = answers.get(tokenHash);
        if (kept) return kept;
      }
      const startedIn = generation;
      const found = await lookup.findByTokenHash(tokenHash);
      // Unknown tokens are not kept: a new session needs no forgetting, and guesses fill nothing.
      if (found && feedConnected && generation === startedIn) {
        if (answers.size >= options.maxEntries) answers.delete(answers.keys().next().value!);
        answers.set(tokenHash, found);
      }
      return found;
    },
    forget() {
      generation++;
      answers.clear();
    },
    setFeedConnected(connected) {
      cache.forget();
      feedConnected = connected;
    },
    close: () => lookup.close(),
  };
  return cache;
}
