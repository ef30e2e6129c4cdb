import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/support/app';
import { expectTrpcError } from '../../../test/support/identity';
import { TestReceiver } from '../../../test/support/receiver';
import { ConfigError } from '../../config';
import { classifyAddress, embeddedIpv4, OutboundAddressRefused, OutboundGuard, parseAllowedHosts, type Resolver } from './address-guard';
import { outboundRequest } from './outbound-request';

const blocking = (allowed = '', resolve?: Resolver) =>
  new OutboundGuard({ blockPrivate: true, allowedHosts: parseAllowedHosts(allowed) }, resolve);

/** Answers from a fixed table, for names that have no record in the system's DNS. */
const table =
  (answers: Record<string, string[]>): Resolver =>
  async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('address classification', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:169.254.169.254]', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it.each([
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2001:4860:4860::8888',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('reads the IPv4 address inside mapped, NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4('::ffff:192.168.1.1')).toBe('192.168.1.1');
    expect(embeddedIpv4('::ffff:c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIpv4('64:ff9b::0a00:0001')).toBe('10.0.0.1');
    expect(embeddedIpv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
    expect(embeddedIpv4('10.0.0.1')).toBeNull();
  });

  it('throws on what is not an IP address', () => {
    expect(() => classifyAddress('localhost')).toThrow(/not an IP address/);
  });
});

describe('allow-list', () => {
  it('parses hosts, host:port, addresses and CIDRs', () => {
    const entries = parseAllowedHosts('n8n.internal:5678, Hooks.Internal 10.0.0.0/8 [fd00::1]:80 127.0.0.1:9 fd00::/8');
    expect(entries.map((entry) => (entry.kind === 'host' ? [entry.host, entry.port] : [entry.text, entry.port]))).toEqual([
      ['n8n.internal', 5678],
      ['hooks.internal', null],
      ['10.0.0.0/8', null],
      ['fd00::1', 80],
      ['127.0.0.1', 9],
      ['fd00::/8', null],
    ]);
    expect(parseAllowedHosts('')).toEqual([]);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'n8n:0', 'n8n:70000', 'http://n8n', 'a b/c', '-bad..host'])('refuses %s', (entry) => {
    expect(() => parseAllowedHosts(entry)).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
  });

  it('lets a listed CIDR, address or host through, on its port when it names one', async () => {
    const guard = blocking('10.0.0.0/8, 127.0.0.1:5678, n8n.internal:5678', table({ 'n8n.internal': ['192.168.7.7'] }));
    await expect(guard.resolve('http://10.9.8.7/hook')).resolves.toMatchObject({ address: { address: '10.9.8.7', family: 4 } });
    await expect(guard.resolve('http://127.0.0.1:5678/hook')).resolves.toMatchObject({ address: { address: '127.0.0.1' } });
    await expect(guard.resolve('http://127.0.0.1:5679/hook')).rejects.toThrow(OutboundAddressRefused);
    await expect(guard.resolve('http://n8n.internal:5678/hook')).resolves.toMatchObject({ address: { address: '192.168.7.7' } });
    await expect(guard.resolve('http://n8n.internal/hook')).rejects.toThrow(/n8n\.internal \(192\.168\.7\.7\) is a private address/);
    await expect(guard.resolve('http://172.16.0.1/hook')).rejects.toThrow(OutboundAddressRefused);
  });
});

describe('outbound guard', () => {
  it('refuses literal addresses of every blocked kind, IPv6 and mapped forms included', async () => {
    const guard = blocking();
    for (const url of [
      'http://127.0.0.1:5678/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0:80/',
      'http://224.0.0.1/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://[fc00::1]/',
      'http://[fe80::1]/',
      'http://2130706433/', // 127.0.0.1 written as a number
      'http://0x7f.1/',
    ])
      await expect(guard.resolve(url), url).rejects.toThrow(OutboundAddressRefused);
    await expect(guard.resolve('https://93.184.215.14/hook')).resolves.toMatchObject({ address: { address: '93.184.215.14' } });
  });

  it('resolves names and refuses one whose address is loopback (localhost, through the system resolver)', async () => {
    await expect(blocking().resolve('http://localhost:5678/webhook')).rejects.toThrow(
      /localhost \((127\.0\.0\.1|::1)\) is a loopback address/,
    );
  });

  it('refuses a name when any of its addresses is blocked, not only the first', async () => {
    const guard = blocking('', table({ 'mixed.example': ['93.184.215.14', '10.0.0.5'] }));
    await expect(guard.resolve('https://mixed.example/hook')).rejects.toThrow(/mixed\.example \(10\.0\.0\.5\) is a private address/);
  });

  it('lets everything through when blocking is off, without resolving', async () => {
    const guard = new OutboundGuard({ blockPrivate: false, allowedHosts: [] }, () => Promise.reject(new Error('no lookup expected')));
    await expect(guard.resolve('http://127.0.0.1:5678/')).resolves.toMatchObject({ address: null });
    await expect(guard.checkUrl('http://169.254.169.254/', 'outboundUrl')).resolves.toBeUndefined();
  });

  it('at save time answers BAD_REQUEST URL_NOT_ALLOWED, and leaves names that do not resolve to the send-time check', async () => {
    const guard = blocking('', table({}));
    const refused = await expectTrpcError(guard.checkUrl('http://169.254.169.254/', 'callbackUrl'), 'BAD_REQUEST', 'URL_NOT_ALLOWED');
    expect(refused.message).toBe('callbackUrl: 169.254.169.254 é um endereço link-local, que não é permitido (rede interna do servidor)');
    expect(refused.details).toEqual({ field: 'callbackUrl', reason: '169.254.169.254 is a link-local address and is not allowed' });
    await expect(guard.checkUrl('https://not-yet.example/hook', 'callbackUrl')).resolves.toBeUndefined();
  });
});

describe('outbound request', () => {
  const receiver = new TestReceiver();
  let port = '';

  beforeAll(async () => {
    port = new URL(await receiver.start()).port;
  });
  afterAll(() => receiver.close());

  it('connects to the address that was checked, not to a second answer of the DNS', async () => {
    receiver.reset();
    // The name exists only in the guard's answer: the request can reach it only through the pinned address.
    const guard = blocking('127.0.0.1', table({ 'n8n.pinned.test': ['127.0.0.1'] }));
    const response = await outboundRequest(guard, {
      url: `http://n8n.pinned.test:${port}/hook`,
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: '{"a":1}',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });
    expect(response.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.host).toBe(`n8n.pinned.test:${port}`);
    expect(receiver.requests[0]!.body).toBe('{"a":1}');
  });

  it('sends nothing to a refused address', async () => {
    receiver.reset();
    const request = outboundRequest(blocking(), {
      url: `http://127.0.0.1:${port}/hook`,
      method: 'POST',
      headers: new Headers(),
      body: '{}',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });
    await expect(request).rejects.toThrow(OutboundAddressRefused);
    expect(receiver.requests).toHaveLength(0);
  });

  it('does not follow a redirect', async () => {
    receiver.reset();
    receiver.reply = (request) =>
      request.url === '/hook' ? { status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } } : { status: 200 };
    const response = await outboundRequest(blocking('127.0.0.1'), {
      url: `http://127.0.0.1:${port}/hook`,
      method: 'POST',
      headers: new Headers(),
      body: '{}',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });
    expect(response.status).toBe(302);
    expect(receiver.requests.map((request) => request.url)).toEqual(['/hook']);
  });
});

describe('configuration', () => {
  it('blocks by default in production only', () => {
    const production = { NODE_ENV: 'production' };
    expect(testConfig().outbound.blockPrivate).toBe(false);
    expect(testConfig({ NODE_ENV: 'development' }).outbound.blockPrivate).toBe(false);
    expect(testConfig(production).outbound.blockPrivate).toBe(true);
    expect(testConfig({ ...production, OUTBOUND_BLOCK_PRIVATE: '' }).outbound.blockPrivate).toBe(true);
    expect(testConfig({ ...production, OUTBOUND_BLOCK_PRIVATE: 'false' }).outbound.blockPrivate).toBe(false);
    expect(testConfig({ OUTBOUND_BLOCK_PRIVATE: 'true' }).outbound.blockPrivate).toBe(true);
  });

  it('parses OUTBOUND_ALLOWED_HOSTS and refuses to start on a bad entry', () => {
    expect(testConfig({ OUTBOUND_ALLOWED_HOSTS: 'n8n:5678,10.0.0.0/8' }).outbound.allowedHosts).toHaveLength(2);
    expect(() => testConfig({ OUTBOUND_ALLOWED_HOSTS: '10.0.0.0/40' })).toThrow(ConfigError);
  });
});
