// N4: the id of the request being served, for lines logged by code that is not handed the
// request's logger (the mailer and the text sender, called deep inside services).
import { AsyncLocalStorage } from 'node:async_hooks';

const requestIds = new AsyncLocalStorage<string>();

/** Runs the rest of a request (its hooks, handler and what they start) with its id at hand. */
export function runWithRequestId(requestId: string, next: () => void): void {
  requestIds.run(requestId, next);
}

/** The id of the request whose work is running now; undefined outside any request (start-up, jobs). */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}
