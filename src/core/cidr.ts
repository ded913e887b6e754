// K1: source-address allow-lists in CIDR notation (RFC 4632 for IPv4, RFC 4291 §2.3 for IPv6).
// Everything in this file must remain free of I/O: addresses are parsed by hand, so the rule is
// the same on every platform and testable without node:net.

export interface IpAddress {
  version: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6, network order. */
  bytes: Uint8Array;
}

export interface Cidr extends IpAddress {
  prefixLength: number;
}

const decimalOctet = /^(0|[1-9][0-9]{0,2})$/;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;
const prefixDigits = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // Leading zeros are refused: some parsers read them as octal, so "010" would be ambiguous.
    const part = parts[i]!;
    if (!decimalOctet.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseGroups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowTrailingIpv4 && i === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (!ipv4) return undefined;
      groups.push((ipv4[0]! << 8) | ipv4[1]!, (ipv4[2]! << 8) | ipv4[3]!);
    } else {
      if (!hexGroup.test(part)) return undefined;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail) return undefined;
    const missing = 8 - head.length - tail.length;
    // "::" stands for at least one group of zeros (RFC 4291 §2.2).
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** An IPv4 or IPv6 address as written, or undefined. A zone (`fe80::1%eth0`) is refused. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    return bytes ? { version: 6, bytes } : undefined;
  }
  const bytes = parseIpv4(text);
  return bytes ? { version: 4, bytes } : undefined;
}

/**
 * `address/prefixLength`, or a bare address meaning that one host. Bits after the prefix are
 * ignored (`10.1.2.3/8` is `10.0.0.0/8`), as most firewalls read them.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const maxLength = address.version === 4 ? 32 : 128;
  if (slash === -1) return { ...address, prefixLength: maxLength };
  const digits = text.slice(slash + 1);
  if (!prefixDigits.test(digits)) return undefined;
  const prefixLength = Number(digits);
  if (prefixLength > maxLength) return undefined;
  return { ...address, prefixLength };
}

const ipv4MappedPrefix = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** `::ffff:a.b.c.d` (how dual-stack sockets report IPv4 peers) is the IPv4 address a.b.c.d. */
function unmapped(address: IpAddress): IpAddress {
  if (address.version === 6 && ipv4MappedPrefix.every((byte, i) => address.bytes[i] === byte)) return { version: 4, bytes: address.bytes.slice(12) };
  return address;
}

export function isAddressInCidr(address: IpAddress, cidr: Cidr): boolean {
  const candidate = unmapped(address);
  const network = cidr.prefixLength >= 96 ? unmappedCidr(cidr) : cidr;
  if (candidate.version !== network.version) return false;
  const fullBytes = Math.floor(network.prefixLength / 8);
  for (let i = 0; i < fullBytes; i++) if (candidate.bytes[i] !== network.bytes[i]) return false;
  const remainingBits = network.prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (candidate.bytes[fullBytes]! & mask) === (network.bytes[fullBytes]! & mask);
}

/** `::ffff:10.0.0.0/104` is `10.0.0.0/8`. */
function unmappedCidr(cidr: Cidr): Cidr {
  const address = unmapped(cidr);
  return address.version === cidr.version ? cidr : { ...address, prefixLength: cidr.prefixLength - 96 };
}

/**
 * Whether a request from `ip` passes an allow-list: an empty list allows every address; an
 * address that cannot be read passes none.
 */
export function isAddressAllowed(ip: string | null | undefined, allowList: readonly string[]): boolean {
  if (allowList.length === 0) return true;
  const address = ip ? parseIpAddress(ip) : undefined;
  if (!address) return false;
  return allowList.some((entry) => {
    const cidr = parseCidr(entry);
    return cidr !== undefined && isAddressInCidr(address, cidr);
  });
}
