import { createWriteStream } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop load for the n8n message webhook, run by helpdesk-ingest.ts in its own process.
 * Messages are scheduled at a fixed rate from the start time; a message chosen as a duplicate is
 * posted twice in the same tick, on two different keep-alive sockets, so both copies are in flight
 * together. Latency is measured from the scheduled time (a backlog counts, no coordinated omission).
 * Prints one JSON line with the result; writes every answer (externalId, messageId, duplicate) to
 * config.answersFile.
 *
 * Failed calls are counted per error code, with what their socket had been through (reused? idle
 * how long? had the server already closed it?), and every socket's end is recorded: closed by the
 * server while idle or busy, or by this side after its idle timeout. A message is acknowledged
 * when at least one of its copies got a 200.
 */

export interface WebhookLoadConfig {
  url: string;
  secret: string;
  /** distinct messages per second */
  rate: number;
  seconds: number;
  connections: number;
  contacts: number;
  /** the first contact's index: a warm-up round writes as other contacts than the measured one */
  contactOffset?: number;
  /** percent of messages posted twice at once */
  duplicatePct: number;
  idPrefix: string;
  answersFile: string;
  /** how long to wait for the answers still due after the last send */
  drainTimeoutSeconds: number;
  /**
   * Reproduces a client that keeps idle sockets forever (a node:http keep-alive agent without a
   * `timeout`, which then ignores the server's Keep-Alive hint). Off: idle sockets close 1 s before
   * the server's advertised keep-alive timeout.
   */
  ignoreKeepAliveHint?: boolean;
}

/** One failed call and what its socket had been through. */
export interface CallFailure {
  code: string;
  message: string;
  /** the call went out on a kept-alive socket that had served earlier calls */
  reusedSocket: boolean;
  /** ms the socket had sat idle in the agent's pool before this call (undefined: a new socket) */
  idleBeforeMs?: number;
  /** calls the socket had completed before this one */
  callsBefore: number;
  socketAgeMs: number;
  /** the server's FIN had reached this side before the error */
  serverClosedFirst: boolean;
}

export interface SocketStats {
  opened: number;
  /** the server ended the connection while no call was on it (its keep-alive timeout, or its shutdown) */
  closedByServerIdle: number;
  /** the server ended the connection while a call was on it */
  closedByServerBusy: number;
  /** closed by this side after sitting idle for the agent's free-socket timeout */
  closedByClientIdle: number;
  /** the longest a socket sat idle before it was used again (ms) */
  maxIdleBeforeReuseMs: number;
  /** the most calls one socket carried */
  maxCallsPerSocket: number;
}

export interface WebhookLoadResult {
  messages: number;
  duplicatesSent: number;
  requests: number;
  statuses: Record<string, number>;
  /** calls with no HTTP answer (network errors, and calls still unanswered after the drain timeout) */
  errors: number;
  /** the same, per error code (ECONNRESET, EPIPE, ECONNREFUSED, UNANSWERED …) */
  errorsByCode: Record<string, number>;
  errorSamples: string[];
  failures: CallFailure[];
  /** distinct messages none of whose copies got a 200: the sender would have to send them again */
  unacknowledged: number;
  unacknowledgedSample: string[];
  sockets: SocketStats;
  /** answers whose body was not { messageId, ticketId, duplicate } */
  badBodies: number;
  /** pairs whose copies got different messageIds, or not exactly one duplicate=false */
  inconsistentPairs: number;
  /** pairs where the second copy was sent before the first one's answer arrived */
  overlappingPairs: number;
  sendSeconds: number;
  drainSeconds: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** answers completed per whole second of the run */
  perSecond: number[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as WebhookLoadConfig;
const target = new URL(config.url);
/**
 * node:http's agent applies the server's `Keep-Alive: timeout=N` hint (less 1 s) only when it has a
 * free-socket `timeout` of its own that is longer; without one it keeps idle sockets forever, past
 * the server's keep-alive timeout, and a call written on a socket the server is closing at that
 * moment is reset (ECONNRESET, never received). With this timeout the hint decides: idle sockets
 * close on this side 1 s before the server would close them.
 */
const FREE_SOCKET_TIMEOUT_WITHOUT_HINT_MS = 10 * 60_000;
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: config.connections,
  ...(config.ignoreKeepAliveHint ? {} : { timeout: FREE_SOCKET_TIMEOUT_WITHOUT_HINT_MS }),
});
const answers = createWriteStream(config.answersFile);

/** A deterministic uniform number in [0, 1) per message and purpose. */
function uniform(n: number, salt: number): number {
  let x = (Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

/** Contact c's phone as n8n sends it: a valid Brazilian mobile, digits only. */
const phoneOf = (contact: number) => `55${11 + (contact % 9) * 10}9${String(70_000_000 + contact).padStart(8, '0')}`;

interface Pair {
  firstAnswer?: { messageId: string; duplicate: boolean };
  secondAnswer?: { messageId: string; duplicate: boolean };
  secondSentAt?: number;
  firstAnsweredAt?: number;
}

interface SocketHistory {
  openedAt: number;
  calls: number;
  /** when it last went back to the agent's pool (undefined while it carries a call) */
  freeSince?: number;
  serverClosed: boolean;
}

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const perSecond: number[] = [];
const errorSamples: string[] = [];
const errorsByCode: Record<string, number> = {};
const failures: CallFailure[] = [];
const acknowledged = new Set<number>();
const histories = new WeakMap<Socket, SocketHistory>();
const sockets: SocketStats = {
  opened: 0,
  closedByServerIdle: 0,
  closedByServerBusy: 0,
  closedByClientIdle: 0,
  maxIdleBeforeReuseMs: 0,
  maxCallsPerSocket: 0,
};
let errors = 0;
let badBodies = 0;
let inFlight = 0;
let requests = 0;
let duplicatesSent = 0;
const pairs = new Map<number, Pair>();
const startedAt = performance.now();

/** Follows a socket from its first call: how often it is reused, how long it idles, who closes it. */
function historyOf(socket: Socket): SocketHistory {
  const known = histories.get(socket);
  if (known) return known;
  const created: SocketHistory = { openedAt: performance.now(), calls: 0, serverClosed: false };
  histories.set(socket, created);
  sockets.opened += 1;
  socket.on('free', () => {
    created.calls += 1;
    created.freeSince = performance.now();
    sockets.maxCallsPerSocket = Math.max(sockets.maxCallsPerSocket, created.calls);
  });
  socket.on('end', () => {
    created.serverClosed = true;
    if (created.freeSince === undefined) sockets.closedByServerBusy += 1;
    else sockets.closedByServerIdle += 1;
  });
  // The agent destroys a pooled socket on its timeout; a busy one's timeout does nothing.
  socket.on('timeout', () => {
    if (created.freeSince !== undefined && !created.serverClosed) sockets.closedByClientIdle += 1;
  });
  return created;
}

function post(n: number, body: string, scheduledAt: number, copy: 'only' | 'first' | 'second'): void {
  inFlight += 1;
  requests += 1;
  const sentAt = performance.now();
  if (copy === 'second') pairs.get(n)!.secondSentAt = sentAt;
  let socketSeen: { history: SocketHistory; idleBeforeMs?: number } | undefined;
  const request = http.request(
    {
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-webhook-secret': config.secret },
    },
    (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const now = performance.now();
        inFlight -= 1;
        latencies.push(now - scheduledAt);
        const second = Math.floor((now - startedAt) / 1000);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
        const status = String(response.statusCode);
        statuses[status] = (statuses[status] ?? 0) + 1;
        const text = Buffer.concat(chunks).toString();
        let answer: { messageId: string; ticketId: string; duplicate: boolean } | undefined;
        try {
          const parsed = JSON.parse(text) as { messageId?: unknown; ticketId?: unknown; duplicate?: unknown };
          if (typeof parsed.messageId === 'string' && typeof parsed.ticketId === 'string' && typeof parsed.duplicate === 'boolean') {
            answer = parsed as { messageId: string; ticketId: string; duplicate: boolean };
          }
        } catch {
          // counted below
        }
        if (response.statusCode !== 200 || !answer) {
          badBodies += answer ? 0 : 1;
          if (errorSamples.length < 5) errorSamples.push(`${status} ${text.slice(0, 300)}`);
          return;
        }
        acknowledged.add(n);
        answers.write(`${config.idPrefix}-${n}\t${answer.messageId}\t${answer.duplicate}\n`);
        if (copy === 'only') return;
        const pair = pairs.get(n)!;
        if (copy === 'first') {
          pair.firstAnswer = answer;
          pair.firstAnsweredAt = now;
        } else {
          pair.secondAnswer = answer;
        }
      });
    },
  );
  request.on('socket', (socket: Socket) => {
    const history = historyOf(socket);
    const idleBeforeMs = history.freeSince === undefined ? undefined : performance.now() - history.freeSince;
    if (idleBeforeMs !== undefined) sockets.maxIdleBeforeReuseMs = Math.max(sockets.maxIdleBeforeReuseMs, Math.round(idleBeforeMs));
    history.freeSince = undefined;
    socketSeen = { history, ...(idleBeforeMs === undefined ? {} : { idleBeforeMs }) };
  });
  request.on('error', (error: NodeJS.ErrnoException) => {
    inFlight -= 1;
    errors += 1;
    const code = error.code ?? error.name;
    errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
    if (errorSamples.length < 5) errorSamples.push(`${code} ${error.message}`);
    const now = performance.now();
    if (failures.length < 50)
      failures.push({
        code,
        message: error.message,
        reusedSocket: request.reusedSocket,
        ...(socketSeen?.idleBeforeMs === undefined ? {} : { idleBeforeMs: Math.round(socketSeen.idleBeforeMs) }),
        callsBefore: socketSeen?.history.calls ?? 0,
        socketAgeMs: socketSeen ? Math.round(now - socketSeen.history.openedAt) : 0,
        serverClosedFirst: socketSeen?.history.serverClosed ?? false,
      });
  });
  request.end(body);
}

function send(n: number, scheduledAt: number): void {
  const contact = Math.floor(uniform(n, 1) * config.contacts);
  const payload: Record<string, unknown> = {
    messageId: `${config.idPrefix}-${n}`,
    from: phoneOf(contact + (config.contactOffset ?? 0)),
    body: `Mensagem ${n} do contato ${contact}`,
    timestamp: Math.floor(Date.now() / 1000),
  };
  if (uniform(contact, 2) < 0.8) payload.name = `Contato ${contact}`;
  const body = JSON.stringify(payload);
  if (uniform(n, 3) * 100 < config.duplicatePct) {
    duplicatesSent += 1;
    pairs.set(n, {});
    post(n, body, scheduledAt, 'first');
    post(n, body, scheduledAt, 'second');
  } else {
    post(n, body, scheduledAt, 'only');
  }
}

const total = Math.round(config.rate * config.seconds);
let scheduled = 0;
await new Promise<void>((resolve) => {
  const tick = () => {
    const elapsed = (performance.now() - startedAt) / 1000;
    const due = Math.min(total, Math.floor(elapsed * config.rate));
    for (; scheduled < due; scheduled += 1) send(scheduled, startedAt + (scheduled / config.rate) * 1000);
    if (scheduled >= total) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const sendSeconds = (performance.now() - startedAt) / 1000;
const drainStartedAt = performance.now();
while (inFlight > 0 && performance.now() - drainStartedAt < config.drainTimeoutSeconds * 1000)
  await new Promise((resolve) => setTimeout(resolve, 20));
const drainSeconds = (performance.now() - drainStartedAt) / 1000;
agent.destroy();
await new Promise<void>((resolve) => answers.end(resolve));

let inconsistentPairs = 0;
let overlappingPairs = 0;
for (const pair of pairs.values()) {
  const { firstAnswer: a, secondAnswer: b } = pair;
  if (!a || !b || a.messageId !== b.messageId || a.duplicate === b.duplicate) inconsistentPairs += 1;
  if (pair.secondSentAt !== undefined && pair.firstAnsweredAt !== undefined && pair.secondSentAt < pair.firstAnsweredAt)
    overlappingPairs += 1;
}
const sorted = Float64Array.from(latencies).sort();
const at = (q: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN) * 10) / 10;
if (inFlight > 0) errorsByCode.UNANSWERED = inFlight;
const unacknowledged: string[] = [];
for (let n = 0; n < total; n += 1) if (!acknowledged.has(n)) unacknowledged.push(`${config.idPrefix}-${n}`);
const result: WebhookLoadResult = {
  messages: total,
  duplicatesSent,
  requests,
  statuses,
  errors: errors + (inFlight > 0 ? inFlight : 0),
  errorsByCode,
  errorSamples:
    inFlight > 0 ? [...errorSamples, `${inFlight} requests unanswered ${config.drainTimeoutSeconds} s after the last send`] : errorSamples,
  failures,
  unacknowledged: unacknowledged.length,
  unacknowledgedSample: unacknowledged.slice(0, 20),
  sockets,
  badBodies,
  inconsistentPairs,
  overlappingPairs,
  sendSeconds,
  drainSeconds,
  latencyMs: {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: at(1),
    mean: Math.round((sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)) * 10) / 10,
  },
  perSecond: Array.from(perSecond, (count) => count ?? 0),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
