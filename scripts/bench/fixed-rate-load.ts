import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop GET load at a fixed rate, run in its own process by bench:http. Requests are scheduled
 * evenly from the start time (request i at start + i / rate), whatever the answers before them did,
 * on up to `connections` kept-alive sockets; latency is measured from the scheduled time, so a
 * backlog counts in full (no coordinated omission). autocannon's -R is not used for this: it sends
 * each connection's share of a second back to back at the start of that second, a burst every second.
 * Prints one JSON line: the counts and every latency (ms).
 */

export interface FixedRateConfig {
  url: string;
  headers: Record<string, string>;
  /** requests per second */
  rate: number;
  seconds: number;
  connections: number;
  /** the body every answer must have (answers with another count as mismatches) */
  expectedBody?: string;
  /** how long to wait for the answers still due after the last send */
  drainTimeoutSeconds: number;
}

export interface FixedRateResult {
  scheduled: number;
  answered: number;
  non2xx: number;
  mismatches: number;
  errors: number;
  /** seconds from the first scheduled request to the last answer */
  elapsedSeconds: number;
  latenciesMs: number[];
}

async function run(config: FixedRateConfig): Promise<FixedRateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.connections });
  const total = Math.round(config.rate * config.seconds);
  const latenciesMs: number[] = [];
  const result = { scheduled: total, answered: 0, non2xx: 0, mismatches: 0, errors: 0 };
  let settled = 0;
  let lastAnswerAt = 0;
  const startedAt = performance.now() + 50;
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSettled = resolve));

  const settle = () => {
    lastAnswerAt = performance.now();
    settled += 1;
    if (settled === total) allSettled();
  };
  const send = (scheduledAt: number) => {
    const request = http.get(config.url, { agent, headers: config.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        latenciesMs.push(performance.now() - scheduledAt);
        result.answered += 1;
        if ((response.statusCode ?? 0) >= 300) result.non2xx += 1;
        else if (config.expectedBody !== undefined && Buffer.concat(chunks).toString() !== config.expectedBody) result.mismatches += 1;
        settle();
      });
    });
    request.on('error', () => {
      result.errors += 1;
      settle();
    });
  };

  // One timer per tick sends every request whose time has come, so a late tick catches up at once.
  let next = 0;
  const tick = () => {
    const now = performance.now();
    while (next < total && startedAt + (next * 1000) / config.rate <= now) {
      send(startedAt + (next * 1000) / config.rate);
      next += 1;
    }
    if (next < total) setTimeout(tick, Math.max(0, startedAt + (next * 1000) / config.rate - performance.now()));
  };
  setTimeout(tick, 50);

  const drainLimit = new Promise<void>((resolve) => setTimeout(resolve, (config.seconds + config.drainTimeoutSeconds) * 1000 + 50).unref());
  await Promise.race([done, drainLimit]);
  agent.destroy();
  return { ...result, elapsedSeconds: (lastAnswerAt - startedAt) / 1000, latenciesMs };
}

const config = JSON.parse(process.argv[2] ?? '{}') as FixedRateConfig;
run(config).then(
  (result) => {
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
