// The address a request comes from, for the per-address login limit. Behind reverse proxies (a TLS terminator, a
// load balancer in front of several webservers) the socket's peer is the last proxy; each trusted proxy appends
// the address it saw to X-Forwarded-For, so the client is the entry `proxyHops` places from its right end.
// Entries further left were written by the client itself and prove nothing.
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, proxyHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (proxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chain = [...forwarded, peer];
  // Fewer entries than proxies: a request that did not come through all of them; the leftmost is the best we have.
  return chain[Math.max(0, chain.length - 1 - proxyHops)]!;
}
