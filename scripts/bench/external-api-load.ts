import { appendFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { formattedNumberOf } from './bench-phones';

/**
 * autocannon at the external API v1 send endpoint, run by helpdesk-external-api.ts in its own
 * process. A request generator gives every request its own number and body; every answer's
 * status is counted and each 202's messageId is appended to config.answersFile for the database check.
 * Prints one JSON line: autocannon's result plus the status counts seen by onResponse.
 */

export interface ExternalApiLoadConfig {
  url: string;
  token: string;
  seconds: number;
  connections: number;
  /** requests per second over all connections; 0 = as fast as the server answers */
  rate: number;
  /** numbers rotate over this many (a huge value: every request has its own) */
  numbers: number;
  /** first request index, so successive runs never repeat a body */
  offset: number;
  answersFile: string;
}

export interface ExternalApiLoadResult {
  duration: number;
  requestsSent: number;
  statuses: Record<string, number>;
  answers202: number;
  badBodies: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  reqPerSec: number;
  errorSamples: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as ExternalApiLoadConfig;
let counter = config.offset;
const statuses: Record<string, number> = {};
const errorSamples: string[] = [];
let badBodies = 0;
let buffered: string[] = [];
const flush = () => {
  if (buffered.length > 0) appendFileSync(config.answersFile, buffered.join(''));
  buffered = [];
};

const numberOf = (index: number) => formattedNumberOf(index, config.numbers);

const result = await autocannon({
  url: config.url,
  connections: config.connections,
  // At a fixed rate a fixed amount, so every request is answered; flat out, a duration (the last few in flight are cut off).
  ...(config.rate > 0 ? { overallRate: config.rate, amount: Math.round(config.rate * config.seconds) } : { duration: config.seconds }),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        const index = counter++;
        return {
          ...request,
          body: JSON.stringify({ number: numberOf(index), body: `Pedido #${index} confirmado. Obrigado pela compra!` }),
        };
      },
      onResponse: (status, body) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 202) {
          if (errorSamples.length < 5) errorSamples.push(`${status} ${body.slice(0, 300)}`);
          return;
        }
        try {
          const parsed = JSON.parse(body) as { messageId?: unknown; ticketId?: unknown; status?: unknown };
          if (typeof parsed.messageId !== 'string' || typeof parsed.ticketId !== 'string' || parsed.status !== 'pending')
            throw new Error('shape');
          buffered.push(`${parsed.messageId}\n`);
          if (buffered.length >= 1000) flush();
        } catch {
          badBodies += 1;
          if (errorSamples.length < 5) errorSamples.push(`202 with an unexpected body: ${body.slice(0, 300)}`);
        }
      },
    },
  ],
});
flush();
const answers202 = statuses['202'] ?? 0;
const output: ExternalApiLoadResult = {
  duration: result.duration,
  requestsSent: counter - config.offset,
  statuses,
  answers202,
  badBodies,
  errors: result.errors,
  timeouts: result.timeouts,
  latency: {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.average,
  },
  reqPerSec: answers202 / result.duration,
  errorSamples,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
process.exit(0);
