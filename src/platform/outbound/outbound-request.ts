import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget, OutboundGuard } from './address-guard';

export interface OutboundRequest {
  url: string;
  method: 'POST' | 'GET' | 'PUT';
  headers: Headers;
  body?: string;
  timeoutMs: number;
  /** Larger answers are not read: `body` is then undefined. */
  maxResponseBytes: number;
}

export interface OutboundResponse {
  status: number;
  contentType: string | null;
  /** The body as text; undefined when it was larger than maxResponseBytes. */
  body: string | undefined;
}

/**
 * One HTTP(S) request to a tenant-set URL. The guard checks the host's addresses first (throwing
 * OutboundAddressRefused before anything is sent), and the socket connects to the address that was
 * checked, never to a second answer of the DNS. TLS still verifies the certificate against the host
 * name. Redirects are not followed: a 3xx is the answer.
 */
export async function outboundRequest(guard: OutboundGuard, request: OutboundRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const checked = await abortable(guard.resolve(request.url), signal);
  const lookup = pinnedLookup(checked);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  const send = checked.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const outgoing = send(checked.url, { method: request.method, headers, signal, ...(lookup ? { lookup } : {}) }, (response) => {
      readAtMost(response, request.maxResponseBytes).then(
        (body) => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? null, body }),
        reject,
      );
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** A DNS lookup that answers only the address the guard checked (undefined when no pinning is needed). */
export function pinnedLookup(checked: CheckedTarget): LookupFunction | undefined {
  const pinned = checked.address;
  if (!pinned) return undefined;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function readAtMost(response: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      response.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
