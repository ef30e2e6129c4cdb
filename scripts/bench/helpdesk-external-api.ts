import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { digitsNumberOf } from './bench-phones';
import type { ExternalApiLoadConfig, ExternalApiLoadResult } from './external-api-load';
import {
  BENCH_APP_ENV,
  callerAs,
  cpuCores,
  cpuSnapshot,
  dropDatabase,
  onCleanup,
  parseFlags,
  printSummary,
  printTable,
  recreateDatabase,
  round,
  runBench,
  runLoadProcess,
  sampleDatabaseWaits,
  seedBenchTenant,
  waitForQuietMachine,
  writeResult,
  ownerPool,
} from './support';

const HELP = `Usage: npm run bench:external-api -- [--rate 500] [--duration 30] [--connections 50] [--rounds 2] [--warmup 3] [--floor 30] [--numbers 100000000] [--pool 10] [--max] [--open-tickets] [--quick] [--keep]

External API v1 for ERPs/CRMs, POST /v1/api/external/:apiId (Authorization: Bearer <token>,
{ number, body }), answered 202, on a fresh database (balcao_bench_external_api). The app runs in
this process (bootstrap) with DELIVERIES_ENABLED=false, so the measurement is the API's own path
(token check, RLS transaction, contact, ticket, message, outbound delivery queued in the same
transaction); the queued deliveries pile up pending, and the script says how many. One tenant, one
n8n channel and one API config made through the app's tRPC callers (helpdesk.apiConfigs.create).
autocannon runs in a child process (external-api-load.ts) with a request generator: every request
its own number and body. At --rate a fixed number of requests (rate × duration) is sent at that
rate; --max adds a round as fast as the server answers.
Correctness: first a send (202), its status (GET …/messages/:id), an idempotent retry (same
externalKey: same messageId, Idempotent-Replayed) and a wrong token (401); after the runs, every
answer must have been 202 with { messageId, ticketId, status: pending }, and the database must hold
exactly one message per request: every answered messageId once, no body twice, as many messages
as requests sent, each with its queued delivery. Target: ≥ 500 req/s with p99 < 50 ms.
The floor: the same load (the same load process, rate, connections and bodies) against a bare
node:http handler in this process that reads the body, parses it and answers 202 with the same
JSON shape: what the load generator, loopback TCP and this event loop cost on their own, measured in
the same run. (A bare-SQL floor of one send has no fair shape here: the app writes sends in groups,
under the tenant's numbering lock, which one transaction per send would serialise on.)
The summary line: the worst measured round's p99 at --rate (target < 50 ms) against the floor's p99.

  --rate         requests per second of the measured rounds (default 500)
  --duration     seconds per round (default 30)
  --connections  autocannon connections (default 50)
  --rounds       measured rounds at --rate (default 2)
  --warmup       seconds of unmeasured load first, at --rate, then ANALYZE (default 3)
  --floor        seconds of the bare HTTP floor, at --rate (default 30)
  --numbers      numbers rotate over this many (default 100000000: every request its own)
  --pool         the app's DATABASE_POOL_SIZE (default 10, the app's default)
  --max          also one round flat out (autocannon without a rate)
  --open-tickets first give every number a pending ticket (one inbound message through the n8n webhook), so
                 API messages land on an active ticket instead of opening a new one under the tenant's
                 ticket-opening lock (with --numbers ≤ 20000): what the API path costs without that lock
  --quick        the same checks on a short run: one round of 5 s after 2 s of warm-up, a floor of 5 s
  --keep         keep the database balcao_bench_external_api afterwards
Writes .bench/helpdesk-external-api.json.`;

const DATABASE = 'balcao_bench_external_api';
const TARGET = { reqPerSec: 500, p99Ms: 50 };
const QUICK = process.argv.includes('--quick');
const flags = parseFlags(
  HELP,
  {
    rate: 500,
    duration: QUICK ? 5 : 30,
    connections: 50,
    rounds: QUICK ? 1 : 2,
    warmup: QUICK ? 2 : 3,
    floor: QUICK ? 5 : 30,
    numbers: 100_000_000,
    pool: 10,
  },
  ['max', 'open-tickets', 'quick'],
);
if (flags['open-tickets'] && flags.numbers > 20_000)
  throw new Error('--open-tickets needs --numbers ≤ 20000 (one inbound message per number first)');
const loadScript = path.join(import.meta.dirname, 'external-api-load.ts');

const runLoad = (config: ExternalApiLoadConfig) => runLoadProcess<ExternalApiLoadConfig, ExternalApiLoadResult>(loadScript, config);

/** One line of the runs table: a load run's answers, latency and where the CPU went. */
function runRow(name: string, result: ExternalApiLoadResult, cores: Record<string, number>, meetsTarget: string) {
  return {
    round: name,
    requests: result.requestsSent,
    'answered 202': result.answers202,
    'req/s': round(result.reqPerSec, 0),
    'p50 ms': result.latency.p50,
    'p90 ms': result.latency.p90,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    'meets target': meetsTarget,
    'app CPU µs/req': round(((cores.app ?? 0) * result.duration * 1e6) / Math.max(1, result.answers202), 0),
    'cores app': cores.app ?? 0,
    'cores autocannon': cores.children ?? 0,
    'cores postgres': cores.postgres ?? 0,
    'cores irq': cores.interrupts ?? 0,
    'cores other': cores.other ?? 0,
    'not 202': result.requestsSent - result.answers202 + result.badBodies,
  };
}

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const app = await bootstrap(
    loadConfig({
      ...BENCH_APP_ENV,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      DELIVERIES_ENABLED: 'false',
      DATABASE_POOL_SIZE: String(flags.pool),
    }),
  );
  onCleanup(() => app.stop());
  const { services } = app;
  const pool = ownerPool(services.config.database.kind === 'postgres' ? services.config.database.url : '');
  const tenant = await seedBenchTenant(services.db, 'bench-external-api', 0, ['helpdesk']);
  const owner = await callerAs(services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp ERP', outboundUrl: 'http://127.0.0.1:9/n8n' });
  const apiConfig = await owner.helpdesk.apiConfigs.create({ name: 'ERP bench', channelId: channel.id });
  const base = `http://127.0.0.1:${app.http.port}/v1/api/external/${apiConfig.apiId}`;

  // Correctness first.
  const send = async (body: unknown, token = apiConfig.token) => {
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed'),
      body: (await response.json()) as { messageId?: string; ticketId?: string; status?: string; error?: string },
    };
  };
  const sent = await send({ number: '+55 11 98888-0001', body: 'Sonda', externalKey: 'probe-1' });
  if (sent.status !== 202 || sent.body.status !== 'pending' || !sent.body.messageId || !sent.body.ticketId)
    throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);
  const status = await fetch(`${base}/messages/${sent.body.messageId}`, { headers: { authorization: `Bearer ${apiConfig.token}` } });
  const statusBody = (await status.json()) as { messageId?: string; status?: string; externalKey?: string };
  if (
    status.status !== 200 ||
    statusBody.messageId !== sent.body.messageId ||
    statusBody.status !== 'pending' ||
    statusBody.externalKey !== 'probe-1'
  ) {
    throw new Error(`status: ${status.status} ${JSON.stringify(statusBody)}`);
  }
  const retried = await send({ number: '+55 11 98888-0001', body: 'Sonda', externalKey: 'probe-1' });
  if (retried.status !== 202 || retried.body.messageId !== sent.body.messageId || retried.replayed !== 'true')
    throw new Error(`idempotent retry: ${retried.status} ${JSON.stringify(retried.body)}`);
  const refused = await send({ number: '+55 11 98888-0001', body: 'x' }, 'bal_wrong');
  if (refused.status !== 401 || refused.body.error !== 'ERR_API_TOKEN_INVALID')
    throw new Error(`wrong token: ${refused.status} ${JSON.stringify(refused.body)}`);
  const probeMessages = 1; // the API messages before the runs (messages are counted by API config, so inbound ones are not)
  if (flags['open-tickets']) {
    const webhook = `http://127.0.0.1:${app.http.port}/api/v1/webhooks/n8n/channels/${channel.id}/messages`;
    for (let n = 0; n < flags.numbers; n += 1) {
      const response = await fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': channel.webhookSecret },
        body: JSON.stringify({
          messageId: `open-${n}`,
          from: digitsNumberOf(n, flags.numbers),
          body: 'Oi',
          timestamp: Math.floor(Date.now() / 1000),
        }),
      });
      if (response.status !== 200) throw new Error(`opening a ticket for number ${n}: ${response.status} ${await response.text()}`);
    }
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from helpdesk_tickets where tenant_id = $1 and status = 'pending'`,
      [tenant.tenantId],
    );
    if (Number(rows[0]!.n) !== flags.numbers) throw new Error(`expected ${flags.numbers} pending tickets, found ${rows[0]!.n}`);
    console.log(`${flags.numbers} numbers each have a pending ticket now`);
  }

  const answersFile = path.join(tmpdir(), `balcao-external-api-answers-${process.pid}.txt`);
  onCleanup(() => rmSync(answersFile, { force: true }));
  let offset = 0;
  const load = async (seconds: number, rate: number) => {
    const result = await runLoad({
      url: base,
      token: apiConfig.token,
      seconds,
      connections: flags.connections,
      rate,
      numbers: flags.numbers,
      offset,
      answersFile,
    });
    offset += result.requestsSent;
    return result;
  };
  console.log(
    `tenant ${tenant.slug}, API ${apiConfig.apiId} on channel ${channel.id}; deliveries disabled; ${flags.connections} connections; ` +
      `numbers: ${flags.numbers >= 1e8 ? 'every request its own' : `rotating over ${flags.numbers}`}; pg pool ${services.config.database.kind === 'postgres' ? services.config.database.poolSize : '-'}`,
  );

  const quiet = await waitForQuietMachine();
  const results: ExternalApiLoadResult[] = [await load(flags.warmup, flags.rate)];
  // As autovacuum does within a new database's first minute: plans made while the tables were empty
  // (Postgres keeps the foreign-key checks' plans for the life of a connection) are not what to measure.
  await pool.query(
    'analyze helpdesk_messages, helpdesk_tickets, helpdesk_contacts, helpdesk_ticket_events, helpdesk_api_calls, deliveries, events',
  );
  const plan = [
    ...Array.from({ length: flags.rounds }, (_, i) => ({ name: `rate ${flags.rate}/s #${i + 1}`, rate: flags.rate })),
    ...(flags.max ? [{ name: 'flat out', rate: 0 }] : []),
  ];
  const runs: Array<Record<string, string | number>> = [];
  const waits = sampleDatabaseWaits(databaseUrl, pool);
  for (const round_ of plan) {
    const before = cpuSnapshot({ app: process.pid });
    const result = await load(flags.duration, round_.rate);
    results.push(result);
    const cores = cpuCores(before, cpuSnapshot({ app: process.pid }), result.duration);
    const meetsTarget = result.reqPerSec >= TARGET.reqPerSec * 0.98 && result.latency.p99 < TARGET.p99Ms ? 'yes' : 'NO';
    runs.push(runRow(round_.name, result, cores, round_.rate > 0 ? meetsTarget : '-'));
    for (const sample of result.errorSamples) console.error(`  e.g. ${sample}`);
  }
  const waitStates = await waits.stop();

  // The floor: the same load against a bare handler in this process, answering what the API answers.
  const floorServer = await startBareAcceptServer();
  const floorAnswers = path.join(tmpdir(), `balcao-external-api-floor-answers-${process.pid}.txt`);
  onCleanup(() => rmSync(floorAnswers, { force: true }));
  const floorBefore = cpuSnapshot({ app: process.pid });
  const floor = await runLoad({
    url: `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/v1/api/external/${apiConfig.apiId}`,
    token: apiConfig.token,
    seconds: flags.floor,
    connections: flags.connections,
    rate: flags.rate,
    numbers: flags.numbers,
    offset: 0,
    answersFile: floorAnswers,
  });
  const floorCores = cpuCores(floorBefore, cpuSnapshot({ app: process.pid }), floor.duration);
  await new Promise((resolve) => floorServer.close(resolve));
  runs.push(runRow(`floor: bare handler, ${flags.rate}/s`, floor, floorCores, '-'));

  // The database: one message per request, each answered id once, each with its delivery (pending).
  const requestsSent = results.reduce((sum, result) => sum + result.requestsSent, 0);
  const answered = results.reduce((sum, result) => sum + result.answers202, 0);
  // A flat-out round ends at its duration: the requests still in flight then (one per connection at most) are cut off
  // unanswered; the server still writes them, so they count as sent and stored, not as refused.
  const cutOffOf = (result: ExternalApiLoadResult, index: number) =>
    plan[index - 1]?.rate === 0
      ? Math.min(flags.connections, result.requestsSent - Object.values(result.statuses).reduce((sum, count) => sum + count, 0))
      : 0;
  const cutOff = results.reduce((sum, result, index) => sum + cutOffOf(result, index), 0);
  const nonAccepted = results.reduce(
    (sum, result, index) =>
      sum + (result.requestsSent - result.answers202 - cutOffOf(result, index)) + result.badBodies + result.errors + result.timeouts,
    0,
  );
  const answeredIds = readFileSync(answersFile, 'utf8').split('\n').filter(Boolean);
  const one = async <R>(text: string, values: unknown[]) => (await pool.query<R & Record<string, unknown>>(text, values)).rows[0]!;
  const stored = await one<{
    messages: string;
    bodies: string;
    answered_found: string;
    tickets: string;
    deliveries: string;
    pending: string;
    calls: string;
  }>(
    `select (select count(*) from helpdesk_messages where tenant_id = $1 and api_config_id = $2) as messages,
            (select count(distinct body) from helpdesk_messages where tenant_id = $1 and api_config_id = $2) as bodies,
            (select count(*) from helpdesk_messages where tenant_id = $1 and api_config_id = $2 and id = any($3::uuid[])) as answered_found,
            (select count(*) from helpdesk_tickets where tenant_id = $1) as tickets,
            (select count(*) from deliveries where tenant_id = $1) as deliveries,
            (select count(*) from deliveries where tenant_id = $1 and status = 'pending') as pending,
            (select count(*) from helpdesk_api_calls where tenant_id = $1 and api_config_id = $2 and status_code = 202) as calls`,
    [tenant.tenantId, apiConfig.apiId, answeredIds],
  );
  const messages = Number(stored.messages);
  const checks = [
    {
      check: 'answers other than 202 { messageId, ticketId, status: pending } (incl. errors, timeouts)',
      value: nonAccepted,
      ok: nonAccepted === 0,
    },
    {
      check: 'requests sent / answered 202 (+ cut off at the end of a flat-out round)',
      value: `${requestsSent} / ${answered} (+ ${cutOff})`,
      ok: requestsSent === answered + cutOff,
    },
    {
      check: 'messages stored = requests + probe',
      value: `${messages} = ${requestsSent} + ${probeMessages}`,
      ok: messages === requestsSent + probeMessages,
    },
    {
      check: 'distinct answered messageIds found in the database',
      value: `${stored.answered_found} of ${answeredIds.length}`,
      ok: Number(stored.answered_found) === answeredIds.length && new Set(answeredIds).size === answeredIds.length,
    },
    {
      check: 'distinct bodies = messages (none stored twice)',
      value: `${stored.bodies} / ${messages}`,
      ok: Number(stored.bodies) === messages,
    },
    { check: 'API calls recorded (202)', value: `${stored.calls}`, ok: Number(stored.calls) === messages },
    {
      check: 'deliveries queued (all pending: worker off)',
      value: `${stored.deliveries} (${stored.pending} pending)`,
      ok: Number(stored.deliveries) === messages,
    },
  ];
  const measured = runs.filter((run) => String(run.round).startsWith('rate'));
  const meanOf = (key: string) => round(measured.reduce((sum, run) => sum + Number(run[key]), 0) / Math.max(1, measured.length), 1);
  const meets = measured.every((run) => run['meets target'] === 'yes');

  console.log(
    '\nrounds (cores: app = this process, autocannon = its child process, other = the rest of the machine; the floor is the last)',
  );
  printTable(runs);
  console.log(
    `\nmean at ${flags.rate}/s: ${meanOf('req/s')} req/s, p50 ${meanOf('p50 ms')} ms, p99 ${meanOf('p99 ms')} ms, ${meanOf('app CPU µs/req')} µs app CPU per request`,
  );
  console.log(`target ≥ ${TARGET.reqPerSec} req/s with p99 < ${TARGET.p99Ms} ms: ${meets ? 'met' : 'NOT met'}`);
  console.log(
    '\nwhat the database backends were doing during the measured rounds (pg_stat_activity sampled every 100 ms; mean count per state)',
  );
  printTable(waitStates);
  console.log('\nchecks');
  printTable(checks.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'FAILED' })));
  console.log(
    `\n${stored.pending} outbound deliveries are pending: DELIVERIES_ENABLED=false keeps the worker off, so they pile up (every API message queues one); ${stored.tickets} tickets (an API message to a contact with no open ticket opens a new, closed one).`,
  );
  const noisiest = Math.max(...runs.map((run) => Number(run['cores other'])));
  if (noisiest > 0.25)
    console.warn(`warning: other work on the machine used up to ${noisiest} cores during a round; figures are low and noisy`);
  const failed = checks.filter((check) => !check.ok);
  const file = writeResult('helpdesk-external-api.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    machineBusyBeforePct: quiet,
    target: TARGET,
    meetsTarget: meets,
    mean: { reqPerSec: meanOf('req/s'), p50: meanOf('p50 ms'), p99: meanOf('p99 ms'), appCpuUsPerReq: meanOf('app CPU µs/req') },
    maxOtherCores: noisiest,
    runs,
    databaseWaits: waitStates,
    checks,
    pendingDeliveries: Number(stored.pending),
  });
  console.log(`wrote ${file}`);
  if (failed.length > 0) console.error(`FAILED: ${failed.map((check) => check.check).join('; ')}`);
  const worst = measured.reduce((max, run) => (Number(run['p99 ms']) > Number(max['p99 ms']) ? run : max), measured[0]!);
  const sustained = measured.every((run) => Number(run['req/s']) >= flags.rate * 0.98);
  printSummary({
    bench: 'external-api',
    database: 'postgres',
    figure: { name: `p99 at ${flags.rate} req/s`, value: Number(worst['p99 ms']), unit: 'ms' },
    baseline: { name: 'bare HTTP handler p99', value: floor.latency.p99 },
    better: 'lower',
    target: { on: 'figure', op: '<', value: TARGET.p99Ms },
    noisy: noisiest > 0.25,
    note:
      `worst of ${measured.length} round(s) of ${flags.duration} s; ${meanOf('req/s')} req/s answered (≥ ${TARGET.reqPerSec}: ${sustained ? 'met' : 'NOT met'}), ` +
      `p50 ${meanOf('p50 ms')} ms (floor ${floor.latency.p50} ms), ${meanOf('app CPU µs/req')} µs of app CPU per request; ` +
      `checks: ${failed.length === 0 ? `all ${checks.length} held` : `FAILED ${failed.map((check) => check.check).join('; ')}`}` +
      (flags.quick ? '; quick run' : ''),
  });
  return failed.length > 0 ? 1 : 0;
});

/** What the floor answers: the API's 202 body shape, after reading and parsing the request, and nothing else. */
function startBareAcceptServer(): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let status = 202;
      let body: unknown;
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { number?: unknown; body?: unknown };
        if (typeof input.number !== 'string' || typeof input.body !== 'string') throw new Error('number and body are required');
        body = { messageId: randomUUID(), ticketId: randomUUID(), status: 'pending' };
      } catch (error) {
        status = 400;
        body = { error: 'ERR_VALIDATION', message: (error as Error).message };
      }
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
