// Which listeners and clients are this machine itself. The development mailbox shows every
// e-mailed link, so it exists only for a server on a loopback address (or when asked for) and
// answers only clients connected from the machine itself.
import { isAddressAllowed } from './cidr.js';

const loopbackBlocks = ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'];
const loopbackNames = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** A `HOST` to listen on that only this machine can reach (`0.0.0.0` and `::` are every interface). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return loopbackNames.has(bare) || bare.endsWith('.localhost') || isLoopbackAddress(bare);
}

/** A client address (the socket's, never a forwarded one) on this machine. */
export function isLoopbackAddress(ip: string | null | undefined): boolean {
  return isAddressAllowed(ip, loopbackBlocks);
}

/** Headers a reverse proxy adds to say whom it forwards for. */
const forwardingHeaders = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * A client the development mailbox answers: connected from this machine and not through a proxy.
 * A proxy on the same host (nginx → 127.0.0.1) connects from loopback for every outside client,
 * so a request that carries forwarding headers, or comes from a TRUST_PROXY address, is refused.
 */
export function isDevMailboxClient(socketAddress: string | null | undefined, headers: Readonly<Record<string, unknown>>, trustProxy: readonly string[]): boolean {
  if (!isLoopbackAddress(socketAddress)) return false;
  if (forwardingHeaders.some((name) => headers[name] !== undefined)) return false;
  // isAddressAllowed lets every address through an empty list; here an empty list names no proxy.
  return trustProxy.length === 0 || !isAddressAllowed(socketAddress, trustProxy);
}
