import { describe, expect, it } from 'vitest';
import { isDevMailboxClient, isLoopbackAddress, isLoopbackHost } from './loopback.js';

describe('loopback (development mailbox)', () => {
  it('listeners on loopback addresses and names are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'app.localhost']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('every-interface and public listeners are not', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '10.0.0.5', '203.0.113.7', 'example.com', 'localhost.example.com', '']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('clients from 127.0.0.0/8, ::1 and IPv4-mapped loopback are loopback; others and unreadable ones are not', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(ip), ip).toBe(true);
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '128.0.0.1', 'localhost', '', null, undefined]) expect(isLoopbackAddress(ip), String(ip)).toBe(false);
  });

  it('the development mailbox answers a loopback client only when no proxy is involved', () => {
    expect(isDevMailboxClient('127.0.0.1', {}, [])).toBe(true);
    expect(isDevMailboxClient('10.0.0.1', {}, [])).toBe(false);
    for (const name of ['x-forwarded-for', 'forwarded', 'x-real-ip']) expect(isDevMailboxClient('127.0.0.1', { [name]: '203.0.113.9' }, []), name).toBe(false);
    expect(isDevMailboxClient('127.0.0.1', {}, ['127.0.0.1'])).toBe(false);
    expect(isDevMailboxClient('::ffff:127.0.0.1', {}, ['127.0.0.0/8'])).toBe(false);
    expect(isDevMailboxClient('::1', {}, ['127.0.0.1'])).toBe(true);
  });
});
