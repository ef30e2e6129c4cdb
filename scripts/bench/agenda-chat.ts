import http from 'node:http';
import { sql } from 'kysely';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import {
  BENCH_APP_ENV,
  callerAs,
  dropDatabase,
  onCleanup,
  parseFlags,
  printTable,
  recreateDatabase,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  sleep,
  writeResult,
} from './support';

const HELP = `Usage: npm run bench:agenda-chat -- [--rate 50] [--duration 30] [--clients 500] [--warmup 5] [--keep]

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
Writes .bench/agenda-chat.json.`;

const DATABASE = 'balcao_bench_agenda_chat';
const flags = parseFlags(HELP, { rate: 50, duration: 30, clients: 500, warmup: 5 });
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
  const { sent, failures, startedAt: started } = await sendFor(flags.duration, true);
  for (let waited = 0; sentAt.size > 0 && waited < 10_000; waited += 100) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  const summary = latency.summary();
  const rows = [
    {
      'messages sent': sent,
      'answered (ai_response)': answered,
      'not 202': failures,
      'unanswered after 10 s': sentAt.size,
      'msg/s': round(answered / seconds, 1),
      'p50 ms': round(summary.p50, 1),
      'p95 ms': round(summary.p95, 1),
      'p99 ms': round(summary.p99, 1),
      'max ms': round(summary.max, 1),
      'meets target (p95 < 200 ms)': summary.p95 < 200 && failures === 0 && sentAt.size === 0 ? 'yes' : 'NO',
    },
  ];
  printTable(rows);
  writeResult('agenda-chat.json', { at: new Date().toISOString(), flags, ...rows[0], latency: summary });
  agent.destroy();
  return rows[0]!['meets target (p95 < 200 ms)'] === 'yes' ? 0 : 1;
});
