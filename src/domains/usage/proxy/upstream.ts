import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CheckedTarget, OutboundGuard } from '../../../platform/outbound/address-guard';
import { pinnedLookup } from '../../../platform/outbound/outbound-request';

/** Where a tenant's requests go: LiteLLM or any OpenAI-compatible base URL (ending in /v1 or not). */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string | null;
  /** Per attempt: until the answer's headers, and then between two chunks of its body. */
  timeoutMs: number;
  maxRetries: number;
}

export type UpstreamFailureKind = 'timeout' | 'network' | 'refused_address';

export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface UpstreamAnswer {
  response: IncomingMessage;
  /** Attempts made; more than one means the answer came from a retry. */
  attempts: number;
  /** When the answer's headers arrived. */
  answeredAt: number;
}

/** Worth another attempt: the upstream (or a gateway before it) is overloaded or briefly away. */
const RETRIABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;
const ADDRESS_CACHE_MS = 30_000;

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 512 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 512 }) };

/**
 * Sends requests to tenants' upstreams through kept-alive connections, to the address the
 * outbound guard checked (cached for a short while, so a request does not wait on DNS).
 */
export class UpstreamClient {
  readonly #checked = new Map<string, { target: CheckedTarget; until: number }>();

  constructor(private readonly guard: OutboundGuard) {}

  async #check(url: string): Promise<CheckedTarget> {
    const origin = new URL(url).origin;
    const cached = this.#checked.get(origin);
    if (cached && cached.until > Date.now()) return { ...cached.target, url: new URL(url) };
    const target = await this.guard.resolve(url);
    this.#checked.set(origin, { target, until: Date.now() + ADDRESS_CACHE_MS });
    return target;
  }

  /**
   * POSTs (or GETs) to `<baseUrl><path>`, retrying network failures, timeouts and retriable
   * statuses with exponential backoff and jitter, up to the target's retries. Never retries once
   * the caller has the answer: streams are passed on as they come.
   */
  async send(
    target: UpstreamTarget,
    request: { method: 'GET' | 'POST'; path: string; body?: string; signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<UpstreamAnswer> {
    const url = `${target.baseUrl.replace(/\/+$/, '')}${request.path}`;
    let checked: CheckedTarget;
    try {
      checked = await this.#check(url);
    } catch (error) {
      throw new UpstreamFailure('refused_address', `upstream address not allowed: ${(error as Error).message}`, 0);
    }
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt > target.maxRetries;
      try {
        const response = await this.#once(checked, target, request);
        if (!last && RETRIABLE_STATUSES.has(response.statusCode ?? 0)) {
          response.resume();
          await backoff(attempt, response.headers['retry-after'], request.signal);
          continue;
        }
        return { response, attempts: attempt, answeredAt: Date.now() };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        const kind: UpstreamFailureKind = error instanceof UpstreamFailure ? error.kind : 'network';
        if (last) throw new UpstreamFailure(kind, (error as Error).message, attempt);
        await backoff(attempt, undefined, request.signal);
      }
    }
  }

  #once(
    checked: CheckedTarget,
    target: UpstreamTarget,
    request: { method: 'GET' | 'POST'; body?: string; signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<IncomingMessage> {
    const lookup = pinnedLookup(checked);
    const https = checked.url.protocol === 'https:';
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...request.headers };
    if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = (https ? httpsRequest : httpRequest)(
        checked.url,
        {
          method: request.method,
          headers,
          agent: https ? agents.https : agents.http,
          ...(lookup ? { lookup } : {}),
          signal: request.signal,
        },
        (response) => {
          clearTimeout(timer);
          // From here on the timeout is between two chunks of the body. The socket is kept alive
          // for later requests: its timer and this answer's listener go when the answer is done.
          const socket = response.socket;
          const idle = () => response.destroy(new UpstreamFailure('timeout', `no data from the upstream for ${target.timeoutMs} ms`, 1));
          socket.setTimeout(target.timeoutMs);
          socket.on('timeout', idle);
          response.once('close', () => {
            socket.off('timeout', idle);
            socket.setTimeout(0);
          });
          resolve(response);
        },
      );
      const timer = setTimeout(
        () => outgoing.destroy(new UpstreamFailure('timeout', `the upstream did not answer in ${target.timeoutMs} ms`, 1)),
        target.timeoutMs,
      );
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.end(request.body);
    });
  }
}

function backoff(attempt: number, retryAfter: string | string[] | undefined, signal: AbortSignal | undefined): Promise<void> {
  const asked = typeof retryAfter === 'string' ? Number(retryAfter) * 1000 : NaN;
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  const wait = Number.isFinite(asked) && asked >= 0 ? Math.min(asked, BACKOFF_CAP_MS) : exponential / 2 + Math.random() * (exponential / 2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, wait);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Reads a whole (non-streamed) answer, up to maxBytes. */
export async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      response.destroy();
      throw new UpstreamFailure('network', `the upstream's answer is larger than ${maxBytes} bytes`, 1);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
