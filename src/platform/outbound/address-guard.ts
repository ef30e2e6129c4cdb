import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../errors';

/**
 * Keeps tenant-set URLs (n8n, callbacks) away from the server's own network: with blocking on,
 * a URL whose host is, or resolves to, a loopback, private, link-local, multicast, unspecified or
 * reserved address is refused, unless the operator allowed it (OUTBOUND_ALLOWED_HOSTS).
 * The check runs when the URL is saved and again at send time, where the request is pinned to
 * the address that was checked (see outbound-request.ts).
 */

export type AddressCategory = 'loopback' | 'private' | 'link-local' | 'multicast' | 'unspecified' | 'reserved';

export interface OutboundSettings {
  /** Refuse non-public addresses (default on when NODE_ENV=production). */
  blockPrivate: boolean;
  /** Hosts, host:port pairs and CIDRs that are allowed even when not public. */
  allowedHosts: AllowEntry[];
}

export type AllowEntry =
  { kind: 'host'; host: string; port: number | null } | { kind: 'address'; list: BlockList; text: string; port: number | null };

const ranges: Array<[AddressCategory, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'], // cloud metadata (169.254.169.254) included
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '192.0.2.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['reserved', '198.51.100.0', 24, 'ipv4'],
  ['reserved', '203.0.113.0', 24, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // and the broadcast address
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['reserved', '::', 96, 'ipv6'], // IPv4-compatible (deprecated)
  ['reserved', '100::', 64, 'ipv6'], // discard
  ['reserved', '2001:db8::', 32, 'ipv6'], // documentation
  ['private', 'fc00::', 7, 'ipv6'], // unique local
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['private', 'fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['multicast', 'ff00::', 8, 'ipv6'],
];

const lists = new Map<AddressCategory, BlockList>();
for (const [category, network, prefix, family] of ranges) {
  let list = lists.get(category);
  if (!list) lists.set(category, (list = new BlockList()));
  list.addSubnet(network, prefix, family);
}
/** Most specific first, so :: is "unspecified" and ::1 "loopback" rather than the IPv4-compatible block around them. */
const order: AddressCategory[] = ['unspecified', 'loopback', 'link-local', 'multicast', 'private', 'reserved'];

/** IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16): the IPv4 address, else null. */
export function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const groups = expandIpv6(address);
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return null;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const start = parse(head);
  if (tail === undefined) return start;
  const end = parse(tail);
  return [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
}

/** The category of a non-public IP address, or null when it is public. Not an IP address: throws. */
export function classifyAddress(address: string): AddressCategory | null {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!; // without an IPv6 zone (fe80::1%eth0)
  const family = isIP(bare);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  const inner = embeddedIpv4(bare);
  if (inner) return classifyAddress(inner);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const category of order) if (lists.get(category)!.check(bare, type)) return category;
  return null;
}

/**
 * Parses OUTBOUND_ALLOWED_HOSTS: comma- or space-separated entries, each a host name, an IP
 * address or a CIDR, optionally with a port (`n8n.internal:5678`, `10.0.0.5:5678`, `[fd00::5]:5678`).
 */
export function parseAllowedHosts(text: string): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const raw of text.split(/[\s,]+/).filter(Boolean)) {
    const entry = parseAllowEntry(raw);
    if (!entry) throw new Error(`OUTBOUND_ALLOWED_HOSTS: "${raw}" is not a host, host:port, IP address or CIDR`);
    entries.push(entry);
  }
  return entries;
}

function parseAllowEntry(raw: string): AllowEntry | null {
  let text = raw.toLowerCase();
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    text = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(text) !== 6 && !text.includes('/') && /:\d+$/.test(text)) {
    const at = text.lastIndexOf(':');
    port = Number(text.slice(at + 1));
    text = text.slice(0, at);
  }
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) return null;
  const cidr = /^(.+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const family = isIP(cidr[1]!);
    const prefix = Number(cidr[2]);
    if (family === 0 || prefix > (family === 4 ? 32 : 128)) return null;
    const list = new BlockList();
    list.addSubnet(cidr[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'address', list, text, port };
  }
  const family = isIP(text);
  if (family !== 0) {
    const list = new BlockList();
    list.addAddress(text, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'address', list, text, port };
  }
  if (!/^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}\.?)*$/.test(text) || text.includes('..')) return null;
  return { kind: 'host', host: text.replace(/\.$/, ''), port };
}

/** Why a URL was refused: `message` (English) is what a delivery records, `explanation` (pt-BR) what the tenant is told. */
export class OutboundAddressRefused extends Error {
  constructor(
    message: string,
    readonly explanation: string,
  ) {
    super(message);
    this.name = 'OutboundAddressRefused';
  }
}

const CATEGORY_PT: Record<AddressCategory, string> = {
  loopback: 'de loopback',
  private: 'de rede privada',
  'link-local': 'link-local',
  multicast: 'multicast',
  unspecified: 'não especificado',
  reserved: 'reservado',
};

/** Where a checked request may connect: the host's address that passed, or null when no pinning is needed (blocking off). */
export interface CheckedTarget {
  url: URL;
  address: { address: string; family: 4 | 6 } | null;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const SAVE_TIME_DNS_WAIT_MS = 5_000;

export class OutboundGuard {
  readonly #settings: OutboundSettings;
  readonly #resolve: Resolver;

  constructor(settings: OutboundSettings, resolve: Resolver = systemResolver) {
    this.#settings = settings;
    this.#resolve = resolve;
  }

  /**
   * The check when a tenant saves a URL: a DomainError (BAD_REQUEST, URL_NOT_ALLOWED) when its host
   * is, or resolves to, an address that is not allowed. A name that does not resolve now is
   * accepted: it is checked again at every send.
   */
  async checkUrl(url: string, field: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // A resolver that does not answer in time leaves the decision to the send-time check too.
    const slowDns = new Promise<void>((resolve) => (timer = setTimeout(resolve, SAVE_TIME_DNS_WAIT_MS)));
    try {
      await Promise.race([this.resolve(url), slowDns]);
    } catch (error) {
      if (error instanceof OutboundAddressRefused)
        throw new DomainError('BAD_REQUEST', 'URL_NOT_ALLOWED', `${field}: ${error.explanation}`, { field, reason: error.message });
      if (error instanceof TypeError) throw new DomainError('BAD_REQUEST', 'URL_NOT_ALLOWED', `${field}: URL inválida`, { field });
      // DNS failures: the send-time check decides.
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The check at send time: resolves the host (every address it has) and returns the address the
   * request must connect to. Throws OutboundAddressRefused when any address is not allowed, and
   * the resolver's error when the name does not resolve.
   */
  async resolve(urlText: string): Promise<CheckedTarget> {
    const url = new URL(urlText);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundAddressRefused('only http(s) URLs are allowed', 'só URLs http(s) são aceitas');
    if (!this.#settings.blockPrivate) return { url, address: null };
    const hostname = url.hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const literal = isIP(hostname);
    if (literal === 0 && this.#hostAllowed(hostname, port)) {
      // The operator named this host: whatever it resolves to is theirs to allow.
      const [first] = await this.#resolve(hostname);
      if (!first) throw new Error(`${hostname} has no address`);
      return { url, address: { address: first.address, family: first.family === 6 ? 6 : 4 } };
    }
    const addresses = literal !== 0 ? [{ address: hostname, family: literal }] : await this.#resolve(hostname);
    if (addresses.length === 0) throw new Error(`${hostname} has no address`);
    for (const { address } of addresses) {
      const category = classifyAddress(address);
      if (category === null || this.#addressAllowed(address, port)) continue;
      const shown = literal !== 0 ? address : `${hostname} (${address})`;
      throw new OutboundAddressRefused(
        `${shown} is a ${category} address and is not allowed`,
        `${shown} é um endereço ${CATEGORY_PT[category]}, que não é permitido (rede interna do servidor)`,
      );
    }
    const [first] = addresses;
    return { url, address: { address: first!.address, family: first!.family === 6 ? 6 : 4 } };
  }

  #hostAllowed(hostname: string, port: number): boolean {
    return this.#settings.allowedHosts.some(
      (entry) => entry.kind === 'host' && entry.host === hostname && (entry.port === null || entry.port === port),
    );
  }

  #addressAllowed(address: string, port: number): boolean {
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    return this.#settings.allowedHosts.some(
      (entry) => entry.kind === 'address' && entry.list.check(address, family) && (entry.port === null || entry.port === port),
    );
  }
}
