import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { sql } from 'kysely';
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
  printSummary,
  printTable,
  recreateDatabase,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  sleep,
  writeResult,
  openFloorPool,
  inPoolTransaction,
} from './support';

const HELP = `Usage: npm run bench:agenda-chat -- [--rate 50] [--duration 30] [--clients 500] [--warmup 5] [--floor 10] [--pool 10] [--quick] [--keep]

The chat agent end to end on a fresh database (balcao_bench_agenda_chat), with the offline provider:
--rate messages per second for --duration seconds (open loop, one keep-alive agent per request) are
posted to POST /api/v1/webhooks/n8n/message-received (X-Webhook-Secret, the seed's payload), from
--clients clients, a mix of bookings ("quero cortar o cabelo amanhã às 10h", with times spread over
the day and the team), questions, greetings and complaints. Each message's latency runs from its
scheduled send to the ai_response event for it reaching a subscriber of the app's event hub (the
live stream's source). Replies are queued for n8n (the worker is off). A warm-up of --warmup seconds
at the same rate comes first, then ANALYZE (as autovacuum does within a new database's first minute:
plans made while the tables were empty would otherwise be what a brand-new database measures).
Target: p95 under 200 ms.
The floor (the summary's baseline): for --floor seconds at the same rate, over the same clients, the
bare inserts of a message as SQL in this process on a pg pool of --pool connections as the tables'
owner, from its scheduled time to its second commit: the message stored (conversation upserted,
message inserted once by its dedupe key), then the answer's writes (the message marked replied, the
reply inserted, the conversation updated, the notification, its delivery and the two events inserted).
No reading, no understanding, no HTTP.

  --floor   seconds of the floor (default 10)
  --pool    the floor's pool size (default 10, the app's)
  --quick   8 s at the same rate after a 2 s warm-up, 200 clients, a floor of 4 s: the same checks in about 30 s
Writes .bench/agenda-chat.json.`;

const DATABASE = 'balcao_bench_agenda_chat';
const given = parseFlags(HELP, { rate: 50, duration: 30, clients: 500, warmup: 5, floor: 10, pool: 10 }, ['quick']);
const explicit = (name: string) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const quickDefaults = { duration: 8, warmup: 2, clients: 200, floor: 4 };
const flags = given.quick ? { ...given, ...Object.fromEntries(Object.entries(quickDefaults).filter(([name]) => !explicit(name))) } : given;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '07:00', end: '22:00' }));

const MESSAGES = [
  (n: number) => `quero cortar o cabelo amanhã às ${7 + (n % 14)}h`,
  (n: number) => `tem horário pra manicure sexta às ${8 + (n % 12)}:30?`,
  () => 'quanto custa o corte?',
  () => 'Oi, bom dia!',
  () => 'esperei 40 minutos, péssimo atendimento',
  (n: number) => `dá pra marcar barba sábado de manhã com o Profissional ${1 + (n % 8)}?`,
];

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const app = await bootstrap(
    loadConfig({ ...BENCH_APP_ENV, DATABASE_URL: databaseUrl, PORT: '0', DELIVERIES_ENABLED: 'false', LLM_PROVIDER: 'offline' }),
  );
  onCleanup(() => app.stop());
  const { services } = app;
  const tenant = await seedBenchTenant(services.db, 'bench-chat', 0, ['agenda']);
  const owner = await callerAs(services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const serviceIds = [];
  for (const [name, durationMin] of [
    ['Corte de cabelo', 30],
    ['Manicure', 45],
    ['Barba', 20],
  ] as const)
    serviceIds.push((await owner.agenda.services.create({ name, durationMin, priceCents: 5000 })).id);
  for (let index = 1; index <= 8; index += 1)
    await owner.agenda.professionals.create({ name: `Profissional ${index}`, serviceIds, hours: EVERY_DAY });
  await owner.agenda.settings.update({ n8nOutboundUrl: 'http://127.0.0.1:9/n8n' });
  const { inboundSecret } = await owner.agenda.settings.rotateSecret();

  // Latency ends when the hub hands the ai_response to a subscriber, as it would to a dashboard.
  const sentAt = new Map<string, number>();
  const latency = new Samples();
  const clientOfConversation = new Map<string, string>();
  let answered = 0;
  const unsubscribe = services.hub.subscribe(tenant.tenantId, ({ event }) => {
    if (event.type !== 'ai_response') return;
    const started = sentAt.get(event.data.client_id);
    if (started === undefined) return;
    latency.add(performance.now() - started);
    sentAt.delete(event.data.client_id);
    clientOfConversation.set(event.data.conversation_id, event.data.client_id);
    answered += 1;
  });
  onCleanup(unsubscribe);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = (body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        `${app.http.url}/api/v1/webhooks/n8n/message-received`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-webhook-secret': inboundSecret } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  // The clients exist first (n8n names them by client_id), so a latency is keyed by its client.
  const clientIds: string[] = [];
  for (let index = 0; index < flags.clients; index += 1)
    clientIds.push((await owner.agenda.clients.create({ name: `Cliente ${index}`, phone: `+55119${String(60_000_000 + index)}` })).id);

  /** Posts `seconds` of messages at the rate; answers come back through `latency` (when `measured`). */
  async function sendFor(seconds: number, measured: boolean): Promise<{ sent: number; failures: number; startedAt: number }> {
    const total = flags.rate * seconds;
    const startedAt = performance.now();
    let failures = 0;
    let sent = 0;
    const inFlight: Array<Promise<unknown>> = [];
    for (let index = 0; index < total; index += 1) {
      const due = startedAt + (index * 1000) / flags.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      // One message in flight per client at a time, so each latency belongs to one answer.
      const clientId = clientIds[index % clientIds.length]!;
      if (sentAt.has(clientId)) continue;
      if (measured) sentAt.set(clientId, due);
      sent += 1;
      const message = MESSAGES[index % MESSAGES.length]!(index);
      const body = JSON.stringify({
        tenant_id: tenant.tenantId,
        client_id: clientId,
        client_name: 'Cliente',
        phone: `+55119${String(60_000_000 + (index % clientIds.length))}`,
        message,
        channel: 'whatsapp',
        timestamp: new Date().toISOString(),
      });
      inFlight.push(
        post(body).then(
          (response) => {
            if (response.status !== 202) failures += 1;
          },
          () => (failures += 1),
        ),
      );
    }
    await Promise.all(inFlight);
    return { sent, failures, startedAt };
  }

  await sendFor(flags.warmup, false);
  await sleep(1000);
  await services.database.asOwner((owner) => sql`analyze`.execute(owner));
  const cpuBefore = cpuSnapshot({ bench: process.pid });
  const { sent, failures, startedAt: started } = await sendFor(flags.duration, true);
  for (let waited = 0; sentAt.size > 0 && waited < 10_000; waited += 100) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuCores(cpuBefore, cpuSnapshot({ bench: process.pid }), seconds);
  const summary = latency.summary();
  const unanswered = sentAt.size;

  console.log(`floor: the bare inserts of ${flags.floor} s of messages…`);
  const floor = await runFloor(databaseUrl, tenant.tenantId, clientIds);
  const floorSummary = floor.latency.summary();
  const rows = [
    {
      'messages sent': sent,
      'answered (ai_response)': answered,
      'not 202': failures,
      'unanswered after 10 s': unanswered,
      'msg/s': round(answered / seconds, 1),
      'p50 ms': round(summary.p50, 1),
      'p95 ms': round(summary.p95, 1),
      'p99 ms': round(summary.p99, 1),
      'max ms': round(summary.max, 1),
      'floor p50 / p95 / p99 ms': `${round(floorSummary.p50, 1)} / ${round(floorSummary.p95, 1)} / ${round(floorSummary.p99, 1)}`,
      'meets target (p95 < 200 ms)': summary.p95 < 200 && failures === 0 && unanswered === 0 ? 'yes' : 'NO',
    },
  ];
  printTable(rows);
  console.log(
    `floor: ${floorSummary.count} messages stored and answered as bare SQL, ${floor.failures} failed; cores: ${JSON.stringify(cpu)}`,
  );
  writeResult('agenda-chat.json', { at: new Date().toISOString(), flags, ...rows[0], latency: summary, floor: floorSummary, cpu });
  agent.destroy();
  const met = rows[0]!['meets target (p95 < 200 ms)'] === 'yes' && floor.failures === 0;
  printSummary({
    bench: 'agenda-chat',
    database: 'postgres',
    figure: { name: 'message → ai_response p95', value: round(summary.p95, 1), unit: 'ms' },
    baseline: { name: "the message's bare inserts p95", value: round(floorSummary.p95, 1) },
    better: 'lower',
    target: { on: 'figure', op: '<', value: 200 },
    noisy: (cpu.other ?? 0) > 0.25,
    note:
      `${flags.rate} messages/s for ${flags.duration} s${flags.quick ? ' (quick)' : ''}: ${answered} of ${sent} answered, ` +
      `${failures} not 202, ${unanswered} unanswered; p50 ${round(summary.p50, 1)}, p99 ${round(summary.p99, 1)} ms ` +
      `(floor p50 ${round(floorSummary.p50, 1)}, p99 ${round(floorSummary.p99, 1)})`,
  });
  return met ? 0 : 1;
});

/**
 * The floor: a message's inserts as bare SQL at the same rate, open loop, over the same clients
 * (one message in flight per client); from each message's scheduled time to its answer's commit.
 */
async function runFloor(url: string, tenantId: string, clientIds: readonly string[]) {
  const pool = await openFloorPool(url, flags.pool);
  const latency = new Samples();
  let failures = 0;
  const busy = new Set<string>();
  const one = async (index: number, clientId: string, due: number) => {
    const message = MESSAGES[index % MESSAGES.length]!(index);
    const dedupeKey = createHash('sha256').update(`floor\n${clientId}\n${index}\n${message}`).digest('hex');
    const stored = await inPoolTransaction(pool, async (client) => {
      const conversation = await client.query<{ id: string }>(
        `insert into agenda_conversations (tenant_id, client_id, channel) values ($1, $2, 'whatsapp')
         on conflict (tenant_id, client_id, channel) do update set last_message_at = now() returning id`,
        [tenantId, clientId],
      );
      const conversationId = conversation.rows[0]!.id;
      const inserted = await client.query<{ id: string }>(
        `insert into agenda_chat_messages (tenant_id, conversation_id, role, body, dedupe_key) values ($1, $2, 'client', $3, $4)
         on conflict (tenant_id, dedupe_key) do nothing returning id`,
        [tenantId, conversationId, message, dedupeKey],
      );
      return { conversationId, messageId: inserted.rows[0]!.id };
    });
    await inPoolTransaction(pool, async (client) => {
      const reply = 'Olá! Em que posso ajudar?';
      await client.query(`update agenda_chat_messages set replied_at = now(), intent = 'hello' where id = $1`, [stored.messageId]);
      await client.query(
        `insert into agenda_chat_messages (tenant_id, conversation_id, role, body, intent, booking_created)
         values ($1, $2, 'agent', $3, 'hello', false)`,
        [tenantId, stored.conversationId, reply],
      );
      await client.query(`update agenda_conversations set last_message_at = now(), last_intent = 'hello' where id = $1`, [
        stored.conversationId,
      ]);
      const notification = await client.query<{ id: string }>(
        `insert into agenda_notifications (tenant_id, client_id, kind, message, route, dedupe_key)
         values ($1, $2, 'chat_reply', $3, 'n8n', $4) on conflict (tenant_id, dedupe_key) do nothing returning id`,
        [tenantId, clientId, reply, `chat_reply:${stored.messageId}`],
      );
      // As the app does: the delivery's id chosen first, the notification pointed at it, the delivery written last.
      const deliveryId = randomUUID();
      await client.query('update agenda_notifications set delivery_id = $2 where id = $1', [notification.rows[0]!.id, deliveryId]);
      await client.query(
        `insert into deliveries (id, tenant_id, kind, payload, ordering_key) values ($1, $2, 'agenda.n8n_notification', $3, $4)`,
        [
          deliveryId,
          tenantId,
          JSON.stringify({ notificationId: notification.rows[0]!.id, clientId, message: reply }),
          `agenda-client:${clientId}`,
        ],
      );
      await client.query(`insert into events (tenant_id, type, data) values ($1, 'notification_sent', $2), ($1, 'ai_response', $3)`, [
        tenantId,
        JSON.stringify({ notification_id: notification.rows[0]!.id, client_id: clientId, kind: 'chat_reply', route: 'n8n' }),
        JSON.stringify({
          conversation_id: stored.conversationId,
          client_id: clientId,
          message: reply,
          intent: 'hello',
          booking_created: false,
        }),
      ]);
    });
    latency.add(performance.now() - due);
  };
  const total = flags.rate * flags.floor;
  const startedAt = performance.now();
  const inFlight: Array<Promise<unknown>> = [];
  for (let index = 0; index < total; index += 1) {
    const due = startedAt + (index * 1000) / flags.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const clientId = clientIds[index % clientIds.length]!;
    if (busy.has(clientId)) continue;
    busy.add(clientId);
    inFlight.push(
      one(index, clientId, due)
        .catch(() => (failures += 1))
        .finally(() => busy.delete(clientId)),
    );
  }
  await Promise.all(inFlight);
  return { latency, failures };
}
