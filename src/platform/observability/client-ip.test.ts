import type { IncomingMessage } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { clientIpOf } from './client-ip';

const requestFrom = (socketAddress: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: socketAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as IncomingMessage;

/** The address Express's `req.ip` gives for the same request and hop count. */
function expressIpOf(request: IncomingMessage, trustedHops: number): string | undefined {
  const app = express();
  app.set('trust proxy', trustedHops);
  const req = Object.create(app.request) as express.Request;
  Object.assign(req, { app, socket: request.socket, connection: request.socket, headers: request.headers });
  return req.ip;
}

describe('client address behind proxies', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientIpOf(requestFrom('203.0.113.9', '198.51.100.1'), 0)).toBe('203.0.113.9');
  });

  it('takes the right-most untrusted hop, so a forged left-most entry does not count', () => {
    // The caller forged 1.2.3.4; the one proxy appended the address it really saw.
    const behindOneProxy = requestFrom('10.0.0.2', '1.2.3.4, 198.51.100.7');
    expect(clientIpOf(behindOneProxy, 1)).toBe('198.51.100.7');
    // Two proxies: the outer one appended the client, the inner one appended the outer one.
    const behindTwoProxies = requestFrom('10.0.0.3', '1.2.3.4, 198.51.100.7, 10.0.0.2');
    expect(clientIpOf(behindTwoProxies, 2)).toBe('198.51.100.7');
    expect(clientIpOf(behindTwoProxies, 1)).toBe('10.0.0.2');
  });

  it('stops at the left-most entry when there are fewer hops than trusted, or none', () => {
    expect(clientIpOf(requestFrom('10.0.0.2', '198.51.100.7'), 3)).toBe('198.51.100.7');
    expect(clientIpOf(requestFrom('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('agrees with Express req.ip for the same hop count', () => {
    for (const hops of [0, 1, 2, 3]) {
      const request = requestFrom('10.0.0.3', '1.2.3.4, 198.51.100.7, 10.0.0.2');
      expect(clientIpOf(request, hops)).toBe(expressIpOf(request, hops));
    }
  });

  it('reads TRUST_PROXY as a hop count, keeping true/false as 1/0', () => {
    const hopsFor = (value: string) =>
      loadConfig({
        NODE_ENV: 'test',
        TRUST_PROXY: value,
        DATA_DIR: '/tmp/balcao-client-ip-test',
        JWT_SECRET: 'x'.repeat(32),
        SECRETS_KEY: 'y'.repeat(32),
      }).trustProxy;
    expect([hopsFor('false'), hopsFor(''), hopsFor('true'), hopsFor('1'), hopsFor('2')]).toEqual([0, 0, 1, 1, 2]);
    expect(() => hopsFor('-1')).toThrow(/TRUST_PROXY/);
    expect(() => hopsFor('loopback')).toThrow(/TRUST_PROXY/);
  });
});
