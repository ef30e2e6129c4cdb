import type { IncomingMessage } from 'node:http';

/**
 * The caller's address. Behind `trustedHops` reverse proxies, each appending the address it saw to
 * X-Forwarded-For, the client is the entry that many hops in from the right (the socket being the
 * first hop); anything further left was written by the caller and proves nothing. Express's
 * `trust proxy` with the same number picks the same address.
 */
export function clientIpOf(req: IncomingMessage, trustedHops: number): string | null {
  const socketAddress = req.socket.remoteAddress ?? null;
  if (trustedHops <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest first: the socket, then X-Forwarded-For from right to left.
  const hops = [socketAddress, ...forwarded.reverse()];
  return hops[Math.min(trustedHops, hops.length - 1)] ?? socketAddress;
}
