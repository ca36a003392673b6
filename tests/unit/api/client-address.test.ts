import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../lib/api/client-address';

const request = (peer: string, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.7'), 0)).toBe('10.0.0.5');
  });

  it('is the entry the outermost trusted proxy appended, not what the client wrote further left', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.5', '198.51.100.9, 203.0.113.7'), 1)).toBe('203.0.113.7');
    // A load balancer, then a TLS terminator on the same host.
    expect(clientAddress(request('127.0.0.1', '198.51.100.9, 203.0.113.7, 10.0.0.2'), 2)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.5', ['198.51.100.9', '203.0.113.7']), 1)).toBe('203.0.113.7');
  });

  it('falls back to the leftmost address when the request passed fewer proxies than configured', () => {
    expect(clientAddress(request('10.0.0.5'), 1)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '203.0.113.7'), 3)).toBe('203.0.113.7');
  });
});
