import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop load for the n8n message webhook, run by helpdesk-ingest.ts in its own process.
 * Messages are scheduled at a fixed rate from the start time; a message chosen as a duplicate is
 * posted twice in the same tick, on two different keep-alive sockets, so both copies are in flight
 * together. Latency is measured from the scheduled time (a backlog counts, no coordinated omission).
 * Prints one JSON line with the result; writes every answer (externalId, messageId, duplicate) to
 * config.answersFile.
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
}

export interface WebhookLoadResult {
  messages: number;
  duplicatesSent: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  errorSamples: string[];
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
const agent = new http.Agent({ keepAlive: true, maxSockets: config.connections });
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

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const perSecond: number[] = [];
const errorSamples: string[] = [];
let errors = 0;
let badBodies = 0;
let inFlight = 0;
let requests = 0;
let duplicatesSent = 0;
const pairs = new Map<number, Pair>();
const startedAt = performance.now();

function post(n: number, body: string, scheduledAt: number, copy: 'only' | 'first' | 'second'): void {
  inFlight += 1;
  requests += 1;
  const sentAt = performance.now();
  if (copy === 'second') pairs.get(n)!.secondSentAt = sentAt;
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
  request.on('error', (error) => {
    inFlight -= 1;
    errors += 1;
    if (errorSamples.length < 5) errorSamples.push(error.message);
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
const result: WebhookLoadResult = {
  messages: total,
  duplicatesSent,
  requests,
  statuses,
  errors: errors + (inFlight > 0 ? inFlight : 0),
  errorSamples:
    inFlight > 0 ? [...errorSamples, `${inFlight} requests unanswered ${config.drainTimeoutSeconds} s after the last send`] : errorSamples,
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
