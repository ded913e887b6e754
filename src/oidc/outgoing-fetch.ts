// O6: oidc-provider's outgoing requests (back-channel logout). In production only https://, through
// the provider's SSRF guard (no private or loopback addresses). Outside production an application
// on this machine (http:// or https:// to a loopback host) is reached directly, for development.
import { isLoopbackHost } from '../core/loopback.js';

type FetchOptions = RequestInit & { dispatcher?: unknown };

export function outgoingFetch(isProduction: boolean) {
  return async (url: URL | string, options: FetchOptions): Promise<Response> => {
    const target = new URL(url);
    if (!isProduction && isLoopbackHost(target.hostname)) {
      const { dispatcher: _ssrfGuard, ...direct } = options;
      return fetch(target, direct);
    }
    if (target.protocol !== 'https:') throw new Error(`refusing a non-https request to ${target.origin}`);
    return fetch(target, options as RequestInit);
  };
}
