import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import {
  BENCH_APP_ENV,
  callerAs,
  cpuCores,
  cpuSnapshot,
  dropDatabase,
  onCleanup,
  parseFlags,
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
import type { WebhookLoadConfig, WebhookLoadResult } from './webhook-load';

const HELP = `Usage: npm run bench:ingest -- [--rate 1000] [--duration 60] [--connections 50] [--contacts 5000] [--duplicates 10] [--warmup 10] [--pool 10] [--keep]

Inbound WhatsApp messages through the n8n webhook, POST /api/v1/webhooks/n8n/channels/:channelId/messages
(X-Webhook-Secret; body { messageId, from, name?, body, timestamp }), on a fresh database
(balcao_bench_ingest): the app runs in this process (bootstrap, as npm start), one tenant with the
helpdesk module and one n8n channel made through the app's tRPC callers. A child process
(webhook-load.ts, node:http keep-alive) posts --rate distinct messages per second for --duration
seconds, open loop (latency counts from the scheduled send, so a backlog shows), over --connections
sockets, from --contacts contacts; --duplicates % of the messages are posted twice in the same tick on
two sockets (a provider retrying while the first call is still running). No out-of-hours message is
configured, so no outbound delivery is queued.
A warm-up round (--warmup seconds at --rate, as other contacts, so the measured round still opens a
ticket for each of its own) comes first, then ANALYZE, as autovacuum does within a new database's first
minute: plans made while the tables were empty (Postgres keeps the foreign-key checks' plans for the
life of a connection) would otherwise be what a brand-new database measures.
Correctness: before the run, one message, its retry and a wrong secret are checked; after it, from the
database: every distinct messageId stored exactly once and announced once (message.created), every
answer's messageId is the stored one, both copies of a duplicate got the same id and exactly one of
them duplicate=false, one active ticket per contact with gap-free numbers, unread counts add up to
the messages (no lost update); any failure, or any non-2xx, fails the run. Reported without failing it
(findings about the app's inbox, not about storing messages): tickets whose last_message_at or preview
is not their last message's, and the pending tab walked page by page (each ticket exactly once?).
Reports the sustained rate, p50/p95/p99 latency, app CPU per message (app = this process), and what
the database backends were doing (pg_stat_activity sampled every 100 ms: lock waits, idle in
transaction while the app works, callers waiting for a pool connection).

  --rate         distinct messages per second (default 1000); requests/s = rate × (1 + duplicates/100)
  --duration     seconds of load (default 60)
  --connections  keep-alive sockets of the load process (default 50); they cap the calls in flight, so at
                 1,100 requests/s each call has connections / 1,100 s end to end before the sender falls behind
  --contacts     distinct senders (default 5000)
  --duplicates   percent of messages posted twice at once (default 10)
  --warmup       seconds of unmeasured load first (default 10; 0 for none)
  --pool         the app's DATABASE_POOL_SIZE (default 10, the app's default)
  --keep         keep the database balcao_bench_ingest afterwards
Writes .bench/helpdesk-ingest.json.`;

const DATABASE = 'balcao_bench_ingest';
const flags = parseFlags(HELP, { rate: 1000, duration: 60, connections: 50, contacts: 5000, duplicates: 10, warmup: 10, pool: 10 });
const loadScript = path.join(import.meta.dirname, 'webhook-load.ts');

const runLoad = (config: WebhookLoadConfig) => runLoadProcess<WebhookLoadConfig, WebhookLoadResult>(loadScript, config);

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const app = await bootstrap(
    loadConfig({ ...BENCH_APP_ENV, DATABASE_URL: databaseUrl, PORT: '0', DATABASE_POOL_SIZE: String(flags.pool) }),
  );
  onCleanup(() => app.stop());
  const { services } = app;
  const pool = ownerPool(services.config.database.kind === 'postgres' ? services.config.database.url : '');
  const tenant = await seedBenchTenant(services.db, 'bench-ingest', 0, ['helpdesk']);
  const owner = await callerAs(services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp bench', outboundUrl: 'http://127.0.0.1:9/n8n' });
  const settings = await owner.helpdesk.settings.get();
  if (settings.outOfHoursMessage !== null) throw new Error('an out-of-hours message is configured; this bench measures inbound only');
  const url = `http://127.0.0.1:${app.http.port}/api/v1/webhooks/n8n/channels/${channel.id}/messages`;

  // Correctness first: a message is stored (200), its retry answers the same id (duplicate), a wrong secret is a 401.
  const post = async (body: unknown, secret = channel.webhookSecret) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { messageId?: string; ticketId?: string; duplicate?: boolean; error?: string },
    };
  };
  const probe = { messageId: 'probe-1', from: '5511999990000', name: 'Sonda', body: 'Olá', timestamp: Math.floor(Date.now() / 1000) };
  const first = await post(probe);
  const retry = await post(probe);
  const refused = await post({ ...probe, messageId: 'probe-2' }, 'whsec_wrong');
  if (first.status !== 200 || first.body.duplicate !== false || !first.body.messageId)
    throw new Error(`first message: ${first.status} ${JSON.stringify(first.body)}`);
  if (retry.status !== 200 || retry.body.duplicate !== true || retry.body.messageId !== first.body.messageId)
    throw new Error(`retry: ${retry.status} ${JSON.stringify(retry.body)}`);
  if (refused.status !== 401 || refused.body.error !== 'ERR_WEBHOOK_UNAUTHORIZED')
    throw new Error(`wrong secret: ${refused.status} ${JSON.stringify(refused.body)}`);

  const answersFile = path.join(tmpdir(), `balcao-ingest-answers-${process.pid}.tsv`);
  onCleanup(() => rmSync(answersFile, { force: true }));
  const idPrefix = `wamid-bench-${Date.now()}`;
  const config: WebhookLoadConfig = {
    url,
    secret: channel.webhookSecret,
    rate: flags.rate,
    seconds: flags.duration,
    connections: flags.connections,
    contacts: flags.contacts,
    duplicatePct: flags.duplicates,
    idPrefix,
    answersFile,
    // An app slower than the offered rate builds a backlog; every message must still be answered before the checks.
    drainTimeoutSeconds: Math.max(120, flags.duration * 15),
  };
  console.log(
    `tenant ${tenant.slug}, channel ${channel.id}; ${flags.rate} messages/s (+${flags.duplicates} % posted twice at once) for ${flags.duration} s, ` +
      `${flags.connections} sockets, ${flags.contacts} contacts; pg pool ${services.config.database.kind === 'postgres' ? services.config.database.poolSize : '-'}`,
  );

  if (flags.warmup > 0) {
    const warmup = await runLoad({
      ...config,
      seconds: flags.warmup,
      idPrefix: `warmup-${idPrefix}`,
      contactOffset: flags.contacts,
      answersFile: `${answersFile}.warmup`,
    });
    onCleanup(() => rmSync(`${answersFile}.warmup`, { force: true }));
    const failures =
      warmup.errors +
      Object.entries(warmup.statuses)
        .filter(([status]) => status !== '200')
        .reduce((sum, [, count]) => sum + count, 0);
    if (failures > 0) throw new Error(`warm-up: ${failures} calls failed`);
    await pool.query('analyze helpdesk_messages, helpdesk_tickets, helpdesk_contacts, helpdesk_ticket_events, events');
    console.log(`warm-up: ${warmup.messages} messages in ${round(warmup.sendSeconds + warmup.drainSeconds, 1)} s, then analyze`);
  }

  const quiet = await waitForQuietMachine();
  const cpuBefore = cpuSnapshot({ app: process.pid });
  const waits = sampleDatabaseWaits(databaseUrl, pool);
  const load = await runLoad(config);
  const seconds = load.sendSeconds + load.drainSeconds;
  const cores = cpuCores(cpuBefore, cpuSnapshot({ app: process.pid }), seconds);
  const waitStates = await waits.stop();

  // From the database: every message once, announced once, answered with its own id; tickets consistent.
  const { rows: stored } = await pool.query<{ external_id: string; id: string; ticket_id: string }>(
    `select external_id, id, ticket_id from helpdesk_messages where tenant_id = $1 and channel_id = $2 and external_id like $3`,
    [tenant.tenantId, channel.id, `${idPrefix}-%`],
  );
  const storedById = new Map(stored.map((row) => [row.external_id, row.id]));
  const expected = Array.from({ length: load.messages }, (_, n) => `${idPrefix}-${n}`);
  const lost = expected.filter((id) => !storedById.has(id));
  const duplicated = stored.length - storedById.size;
  let wrongAnswers = 0;
  let answered = 0;
  for (const line of readFileSync(answersFile, 'utf8').split('\n')) {
    if (!line) continue;
    const [externalId, messageId] = line.split('\t');
    answered += 1;
    if (storedById.get(externalId!) !== messageId) wrongAnswers += 1;
  }
  const one = async <R>(text: string, values: unknown[] = [tenant.tenantId]) =>
    (await pool.query<R & Record<string, unknown>>(text, values)).rows[0]!;
  const announced = await one<{ events: string; distinct_messages: string }>(
    `select count(*) as events, count(distinct data->>'messageId') as distinct_messages from events where tenant_id = $1 and type = 'message.created'`,
  );
  const tickets = await one<{
    tickets: string;
    contacts: string;
    active: string;
    min_number: number;
    max_number: number;
    unread: string;
    messages: string;
    stale: string;
    ms_only: string;
    stale_preview: string;
  }>(`
    select (select count(*) from helpdesk_tickets where tenant_id = $1) as tickets,
           (select count(*) from helpdesk_contacts where tenant_id = $1) as contacts,
           (select count(*) from helpdesk_tickets where tenant_id = $1 and status in ('pending', 'open')) as active,
           (select min(number) from helpdesk_tickets where tenant_id = $1) as min_number,
           (select max(number) from helpdesk_tickets where tenant_id = $1) as max_number,
           (select sum(unread_count) from helpdesk_tickets where tenant_id = $1) as unread,
           (select count(*) from helpdesk_messages where tenant_id = $1) as messages,
           (select count(*) from helpdesk_tickets t where tenant_id = $1 and last_message_at <
              (select date_trunc('milliseconds', max(created_at)) from helpdesk_messages m where m.tenant_id = $1 and m.ticket_id = t.id)) as stale,
           (select count(*) from helpdesk_tickets t where tenant_id = $1 and last_message_at <>
              (select max(created_at) from helpdesk_messages m where m.tenant_id = $1 and m.ticket_id = t.id) and last_message_at =
              (select date_trunc('milliseconds', max(created_at)) from helpdesk_messages m where m.tenant_id = $1 and m.ticket_id = t.id)) as ms_only,
           (select count(*) from helpdesk_tickets t where tenant_id = $1 and last_message_preview <>
              (select left(body, 120) from helpdesk_messages m where m.tenant_id = $1 and m.ticket_id = t.id order by created_at desc, id desc limit 1)) as stale_preview`);
  const storedMessages = Number(tickets.messages);
  const checks: Array<{ check: string; value: number | string; ok: boolean }> = [
    {
      check: 'non-2xx answers',
      value: Object.entries(load.statuses)
        .filter(([status]) => status !== '200')
        .reduce((sum, [, count]) => sum + count, 0),
      ok: false,
    },
    { check: 'network errors / unanswered', value: load.errors, ok: load.errors === 0 },
    { check: 'answers without { messageId, ticketId, duplicate }', value: load.badBodies, ok: load.badBodies === 0 },
    { check: 'distinct messageIds sent', value: load.messages, ok: true },
    { check: 'lost (sent, not stored)', value: lost.length, ok: lost.length === 0 },
    { check: 'stored more than once', value: duplicated, ok: duplicated === 0 },
    {
      check: "answers whose messageId is not the stored message's",
      value: `${wrongAnswers} of ${answered}`,
      ok: wrongAnswers === 0 && answered === load.requests,
    },
    {
      check: 'duplicate pairs with different ids or not one duplicate=false',
      value: `${load.inconsistentPairs} of ${load.duplicatesSent}`,
      ok: load.inconsistentPairs === 0,
    },
    { check: 'duplicate pairs in flight together', value: `${load.overlappingPairs} of ${load.duplicatesSent}`, ok: true },
    {
      check: 'message.created events (distinct messages) = stored messages',
      value: `${announced.events} (${announced.distinct_messages}) / ${storedMessages}`,
      ok: Number(announced.events) === storedMessages && Number(announced.distinct_messages) === storedMessages,
    },
    {
      check: 'tickets = contacts = active tickets',
      value: `${tickets.tickets} / ${tickets.contacts} / ${tickets.active}`,
      ok: tickets.tickets === tickets.contacts && tickets.tickets === tickets.active,
    },
    {
      check: 'ticket numbers 1..n without gaps',
      value: `${tickets.min_number}..${tickets.max_number}`,
      ok: Number(tickets.min_number) === 1 && Number(tickets.max_number) === Number(tickets.tickets),
    },
    {
      check: 'sum of unread counts = stored messages',
      value: `${tickets.unread} / ${storedMessages}`,
      ok: Number(tickets.unread) === storedMessages,
    },
  ];
  // The inbox's view of the tickets: reported, not failing the run (they are about listTickets, not about storing each message once).
  const reported: Array<{ check: string; value: number | string; ok: boolean }> = [
    {
      check: "tickets whose last_message_at is older than their last message's",
      value: Number(tickets.stale),
      ok: Number(tickets.stale) === 0,
    },
    { check: '… equal to it only to the millisecond (a JS Date round trip; informational)', value: Number(tickets.ms_only), ok: true },
    {
      check: "tickets whose preview is not their last message's",
      value: Number(tickets.stale_preview),
      ok: Number(tickets.stale_preview) === 0,
    },
  ];
  checks[0]!.ok = checks[0]!.value === 0;

  // The inbox over what was just ingested: walk the pending tab to its end, 100 a page.
  const pendingIds = new Set<string>();
  let pages = 0;
  let repeated = 0;
  for (let cursor: string | undefined; ;) {
    const page = await owner.helpdesk.tickets.list({ status: 'pending', limit: 100, ...(cursor ? { cursor } : {}) });
    pages += 1;
    for (const item of page.items) {
      if (pendingIds.has(item.id)) repeated += 1;
      pendingIds.add(item.id);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const walkMissed = Number(tickets.active) - pendingIds.size;
  // For a miss, the evidence: the missed tickets' last_message_at next to their neighbours' (same millisecond?).
  const { rows: missedRows } =
    walkMissed > 0
      ? await pool.query<{ id: string; at: string; neighbours: string }>(
          `select t.id, t.last_message_at::text as at,
                  (select string_agg(o.last_message_at::text, ', ') from helpdesk_tickets o where o.tenant_id = t.tenant_id and o.status = 'pending' and o.id <> t.id
                     and date_trunc('milliseconds', o.last_message_at) = date_trunc('milliseconds', t.last_message_at)) as neighbours
           from helpdesk_tickets t where t.tenant_id = $1 and t.status = 'pending' and not (t.id = any($2::uuid[])) limit 5`,
          [tenant.tenantId, [...pendingIds]],
        )
      : { rows: [] };

  const steady = load.perSecond.slice(1, Math.max(2, Math.floor(load.sendSeconds)));
  const sortedSteady = [...steady].sort((a, b) => a - b);
  const answeredRequests = Object.values(load.statuses).reduce((sum, count) => sum + count, 0);
  const summary = {
    'messages/s offered': flags.rate,
    'requests/s offered': round(load.requests / flags.duration, 0),
    'requests/s sustained': round(answeredRequests / seconds, 0),
    'messages stored/s': round(stored.length / seconds, 0),
    'slowest second (req)': sortedSteady[0] ?? 0,
    'median second (req)': sortedSteady[Math.floor(sortedSteady.length / 2)] ?? 0,
    'drain s': round(load.drainSeconds, 2),
    'p50 ms': load.latencyMs.p50,
    'p95 ms': load.latencyMs.p95,
    'p99 ms': load.latencyMs.p99,
    'max ms': load.latencyMs.max,
    'app CPU µs/request': round(((cores.app ?? 0) * seconds * 1e6) / Math.max(1, answeredRequests), 0),
    'app CPU µs/message': round(((cores.app ?? 0) * seconds * 1e6) / Math.max(1, stored.length), 0),
    'cores app': cores.app ?? 0,
    'cores load': cores.children ?? 0,
    'cores postgres': cores.postgres ?? 0,
    'cores irq': cores.interrupts ?? 0,
    'cores other': cores.other ?? 0,
  };
  reported.push({
    check: 'inbox walk (pending tab, 100 a page): tickets missed / repeated',
    value: `${walkMissed} / ${repeated} (${pages} pages)`,
    ok: walkMissed === 0 && repeated === 0,
  });
  console.log('\nchecks (any FAILED fails the run)');
  printTable(checks.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'FAILED' })));
  console.log('\nthe inbox over the ingested tickets (reported: WRONG is a finding about the app, the run still passes)');
  printTable(reported.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'WRONG' })));
  if (Number(tickets.stale) > 0 || Number(tickets.stale_preview) > 0) {
    console.warn(
      'warning: concurrent messages to one ticket: each sets last_message_at = its own created_at (now(), the start of its transaction); ' +
        'one that started earlier but commits later moves the ticket back in time (and its preview to an older message)',
    );
  }
  if (walkMissed !== 0 || repeated !== 0) {
    console.warn(
      `warning: the inbox walk missed ${walkMissed} pending tickets: listTickets' cursor carries last_message_at in milliseconds (JS Date), ` +
        'the column has microseconds, so tickets in the same millisecond as a page boundary, after it, are skipped',
    );
    for (const row of missedRows)
      console.warn(`  missed ${row.id}: last_message_at ${row.at}; others in that millisecond: ${row.neighbours ?? 'none'}`);
  }
  console.log(
    `\nrun (${round(load.sendSeconds, 1)} s of load + ${round(load.drainSeconds, 2)} s to drain; cores: app = this process, load = the load process, other = the rest of the machine)`,
  );
  printTable([summary]);
  console.log(`answers per second: ${load.perSecond.join(' ')}`);
  console.log('\nwhat the database backends were doing (pg_stat_activity sampled every 100 ms; mean count per state)');
  printTable(waitStates);
  if (summary['cores other'] > 0.25)
    console.warn(`warning: other work on the machine used ${summary['cores other']} cores during the run; figures are low and noisy`);
  for (const sample of load.errorSamples) console.error(`  e.g. ${sample}`);
  const failed = checks.filter((check) => !check.ok);
  const file = writeResult('helpdesk-ingest.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    machineBusyBeforePct: quiet,
    summary,
    checks,
    reported,
    inboxWalk: {
      pages,
      distinct: pendingIds.size,
      pending: Number(tickets.active),
      missed: walkMissed,
      repeated,
      missedSample: missedRows,
    },
    perSecond: load.perSecond,
    databaseWaits: waitStates,
    statuses: load.statuses,
    lostSample: lost.slice(0, 20),
  });
  console.log(`wrote ${file}`);
  if (failed.length > 0) {
    console.error(`FAILED: ${failed.map((check) => check.check).join('; ')}`);
    return 1;
  }
  return 0;
});
