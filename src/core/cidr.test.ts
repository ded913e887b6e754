import { describe, expect, it } from 'vitest';
import { isAddressAllowed, isAddressInCidr, parseCidr, parseIpAddress } from './cidr.js';

const inCidr = (ip: string, cidr: string) => isAddressInCidr(parseIpAddress(ip)!, parseCidr(cidr)!);

describe('K1 CIDR allow-lists', () => {
  it('parses IPv4 addresses strictly', () => {
    expect(Array.from(parseIpAddress('192.168.1.20')!.bytes)).toEqual([192, 168, 1, 20]);
    expect(parseIpAddress('0.0.0.0')!.version).toBe(4);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '1.2.3.4 ', ' 1.2.3.4', '1..3.4', 'a.b.c.d', '1.2.3.4/32', '１.2.3.4']) {
      expect(parseIpAddress(bad), bad).toBeUndefined();
    }
  });

  it('parses IPv6 addresses, compressed or not, with an IPv4 tail', () => {
    expect(Array.from(parseIpAddress('::1')!.bytes)).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(parseIpAddress('::')!.bytes)).toEqual(new Array(16).fill(0));
    expect(parseIpAddress('2001:db8::')!.bytes[3]).toBe(0xb8);
    expect(parseIpAddress('2001:DB8:0:0:0:0:0:1')).toEqual(parseIpAddress('2001:db8::1'));
    expect(Array.from(parseIpAddress('::ffff:10.0.0.1')!.bytes.slice(10))).toEqual([0xff, 0xff, 10, 0, 0, 1]);
    for (const bad of [':', ':::', '1::2::3', '2001:db8::1::', '12345::', 'g::1', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '::1.2.3', '1.2.3.4::', 'fe80::1%eth0', '::ffff:256.0.0.1']) {
      expect(parseIpAddress(bad), bad).toBeUndefined();
    }
  });

  it('parses CIDR blocks and bare addresses (one host)', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ version: 4, prefixLength: 8 });
    expect(parseCidr('203.0.113.7')).toMatchObject({ version: 4, prefixLength: 32 });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ version: 6, prefixLength: 32 });
    expect(parseCidr('::1')).toMatchObject({ version: 6, prefixLength: 128 });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ prefixLength: 0 });
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/+8', '10.0.0.0/8/8', '2001:db8::/129', '/8', 'example.com/8', '10.0.0.0 /8', '10.0.0.0/8 ']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });

  it('matches IPv4 addresses against prefixes of any length', () => {
    expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inCidr('192.168.1.130', '192.168.1.128/25')).toBe(true);
    expect(inCidr('192.168.1.127', '192.168.1.128/25')).toBe(false);
    expect(inCidr('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inCidr('172.32.0.0', '172.16.0.0/12')).toBe(false);
    expect(inCidr('203.0.113.7', '203.0.113.7')).toBe(true);
    expect(inCidr('203.0.113.8', '203.0.113.7/32')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
    // Host bits after the prefix are ignored.
    expect(inCidr('10.200.0.1', '10.1.2.3/8')).toBe(true);
  });

  it('matches IPv6 addresses, and IPv4-mapped IPv6 as IPv4', () => {
    expect(inCidr('2001:db8:1::5', '2001:db8::/32')).toBe(true);
    expect(inCidr('2001:db9::5', '2001:db8::/32')).toBe(false);
    expect(inCidr('2001:db8::8', '2001:db8::/125')).toBe(false);
    expect(inCidr('2001:db8::7', '2001:db8::/125')).toBe(true);
    expect(inCidr('::1', '::1/128')).toBe(true);
    expect(inCidr('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inCidr('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(true);
    expect(inCidr('::ffff:11.0.0.1', '10.0.0.0/8')).toBe(false);
    // Families never match each other otherwise.
    expect(inCidr('10.0.0.1', '::/0')).toBe(false);
    expect(inCidr('::1', '0.0.0.0/0')).toBe(false);
  });

  it('allows every address with an empty list, none that cannot be read otherwise', () => {
    expect(isAddressAllowed('198.51.100.1', [])).toBe(true);
    expect(isAddressAllowed(null, [])).toBe(true);
    expect(isAddressAllowed('198.51.100.1', ['10.0.0.0/8', '198.51.100.0/24'])).toBe(true);
    expect(isAddressAllowed('198.51.101.1', ['10.0.0.0/8', '198.51.100.0/24'])).toBe(false);
    expect(isAddressAllowed('2001:db8::1', ['10.0.0.0/8', '2001:db8::/48'])).toBe(true);
    expect(isAddressAllowed(null, ['0.0.0.0/0'])).toBe(false);
    expect(isAddressAllowed('not an address', ['0.0.0.0/0'])).toBe(false);
  });
});
