import { availableParallelism } from 'node:os';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import { sql } from 'kysely';
import WebSocket from 'ws';
import { createDatabase } from '../../src/db/database';
import type { AppEvent } from '../../src/platform/events/catalog';
import type { AppRouter } from '../../src/trpc/app-router';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
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
  startAppProcess,
  type AppProcess,
  waitForQuietMachine,
  writeResult,
} from './support';

const HELP = `Usage: npm run bench:ws -- [--subscribers 1000] [--rate 200] [--duration 30] [--users 20] [--keep]

Subscription fan-out across two instances on one Redis and one Postgres (balcao_bench_ws):
starts two app processes (tsx src/main.ts), connects half the subscribers to each (tRPC wsLink
over ws, events.stream({}) as the tenant owner), then calls users.update on instance A at --rate
per second for --duration seconds, rotating over --users users (one call in flight per user, so
each user's events match its calls in order). Every event must reach every subscriber exactly
once and in the database's (tx_id, id) order, or the script exits 1.
Latency per delivery = receive time − event.occurredAt (Postgres now() when the writing
transaction began); also receive − mutation send time. Target: p99 < 100 ms.
To profile the instances: BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:ws.
1,000 sockets need ulimit -n above ~2,100 (two servers + this process); raise it with \`ulimit -n 8192\`.
Writes .bench/ws-fanout.json.`;

const DATABASE = 'balcao_bench_ws';
const TARGET_P99_MS = 100;
const flags = parseFlags(HELP, { subscribers: 1000, rate: 200, duration: 30, users: 20 });

interface Subscriber {
  instance: string;
  received: number[]; // indices into `events`, in arrival order
  sawWarmup: boolean;
  close(): void;
}

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const a = await startAppProcess('A', databaseUrl);
  const b = await startAppProcess('B', databaseUrl);
  const database = await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  onCleanup(() => database.close());
  const tenant = await seedBenchTenant(database.db, 'bench-ws', flags.users + 1);
  const [warmupUserId, ...rotation] = tenant.userIds as [string, ...string[]];

  const trpcHttp = (headers: Record<string, string> = {}) =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: `${a.url}/trpc`, headers })] });
  const { accessToken: token } = await trpcHttp().auth.login.mutate({
    tenant: tenant.slug,
    email: tenant.ownerEmail,
    password: BENCH_PASSWORD,
  });
  const producer = trpcHttp({ authorization: `Bearer ${token}` });

  // Every measured event gets an index on first sight; subscribers store indices, not ids.
  const events: Array<{ id: string; occurredAt: number; sentAt: number | undefined }> = [];
  const indexOf = new Map<string, number>();
  const sendsInFlight = new Map<string, number[]>(); // user id → send times of calls not yet matched to an event
  const delivery = new Samples();
  const sinceSend = new Samples();
  const roundTrip = new Samples();
  let disconnects = 0;
  let subscriptionErrors = 0;

  const indexEvent = (event: AppEvent & { type: 'user.updated' }): number => {
    let index = indexOf.get(event.id);
    if (index === undefined) {
      index = events.length;
      indexOf.set(event.id, index);
      events.push({ id: event.id, occurredAt: Date.parse(event.occurredAt), sentAt: sendsInFlight.get(event.data.userId)?.shift() });
    }
    return index;
  };

  const connect = (instance: AppProcess) =>
    new Promise<Subscriber>((resolve, reject) => {
      const client = createWSClient({
        url: `${instance.url.replace('http', 'ws')}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: () => ({ token }),
        retryDelayMs: () => 500,
        onClose: () => (disconnects += 1),
      });
      const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
      const subscriber: Subscriber = { instance: instance.name, received: [], sawWarmup: false, close: () => undefined };
      const subscription = trpc.events.stream.subscribe(
        {},
        {
          onStarted: () => resolve(subscriber),
          onData: ({ data: event }) => {
            const now = Date.now();
            if (event.type !== 'user.updated') return;
            if (event.data.userId === warmupUserId) {
              subscriber.sawWarmup = true;
              return;
            }
            const index = indexEvent(event);
            subscriber.received.push(index);
            const { occurredAt, sentAt } = events[index]!;
            delivery.add(now - occurredAt);
            if (sentAt !== undefined) sinceSend.add(now - sentAt);
          },
          onError: (error) => {
            subscriptionErrors += 1;
            reject(error);
          },
        },
      );
      subscriber.close = () => {
        subscription.unsubscribe();
        void client.close();
      };
    });

  console.log(`connecting ${flags.subscribers} subscribers (half to A ${a.url}, half to B ${b.url})…`);
  const subscribers: Subscriber[] = [];
  onCleanup(() => subscribers.forEach((subscriber) => subscriber.close()));
  for (let i = 0; i < flags.subscribers; i += 100) {
    const batch = Array.from({ length: Math.min(100, flags.subscribers - i) }, (_, j) => connect((i + j) % 2 === 0 ? a : b));
    subscribers.push(...(await Promise.all(batch)));
  }

  // A subscription counts as live once it has delivered an event: warm up until all have.
  for (let attempt = 0; !subscribers.every((subscriber) => subscriber.sawWarmup); attempt += 1) {
    if (attempt >= 100) throw new Error(`${subscribers.filter((s) => !s.sawWarmup).length} subscribers never received a warm-up event`);
    await producer.users.update.mutate({ id: warmupUserId, name: `Warm-up ${attempt}` });
    await sleep(100);
  }
  const disconnectsBefore = disconnects;
  const quiet = await waitForQuietMachine();

  console.log(`producing ${flags.rate} users.update/s on A for ${flags.duration} s over ${rotation.length} users…`);
  const total = Math.round(flags.rate * flags.duration);
  const interval = 1000 / flags.rate;
  const busyUsers = new Set<string>();
  const pending = new Set<Promise<void>>();
  let failedCalls = 0;
  let producerWaits = 0;
  let next = 0;
  const pids = { instanceA: a.process.pid!, instanceB: b.process.pid!, bench: process.pid };
  const cpuBefore = cpuSnapshot(pids);
  const startedAt = performance.now();
  const deadline = startedAt + flags.duration * 1000;
  let calls = 0;
  // Open loop at --rate until --duration ends; a server that falls behind gets fewer calls, not a longer run.
  for (let i = 0; i < total && performance.now() < deadline; i += 1) {
    const wait = startedAt + i * interval - performance.now();
    if (wait >= 1) await sleep(wait);
    let userId: string | undefined;
    while (!(userId = rotation.map((_, k) => rotation[(next + k) % rotation.length]!).find((id) => !busyUsers.has(id)))) {
      producerWaits += 1; // every user has a call in flight: the server is behind
      await Promise.race(pending);
    }
    if (performance.now() >= deadline) break;
    next = (rotation.indexOf(userId) + 1) % rotation.length;
    calls += 1;
    const sentAt = Date.now();
    busyUsers.add(userId);
    sendsInFlight.set(userId, [...(sendsInFlight.get(userId) ?? []), sentAt]);
    const call: Promise<void> = producer.users.update
      .mutate({ id: userId, name: `Bench ${i}` })
      .then(
        () => roundTrip.add(Date.now() - sentAt),
        (error: Error) => {
          failedCalls += 1;
          console.error(`users.update failed: ${error.message}`);
        },
      )
      .finally(() => {
        busyUsers.delete(userId);
        pending.delete(call);
      });
    pending.add(call);
  }
  const produceSeconds = (performance.now() - startedAt) / 1000;
  await Promise.all(pending);
  const expected = calls - failedCalls;
  const drainStarted = Date.now();
  while (Date.now() - drainStarted < 15_000 && subscribers.some((subscriber) => subscriber.received.length < expected)) await sleep(50);
  const drainMs = Date.now() - drainStarted;
  const measuredSeconds = (performance.now() - startedAt) / 1000;
  const cpu = cpuCores(cpuBefore, cpuSnapshot(pids), measuredSeconds);
  delete cpu.children;

  // The truth: the measured events in the database, in delivery order.
  const { rows } = await sql<{ id: string }>`
    select id::text from events
    where tenant_id = ${tenant.tenantId} and type = 'user.updated' and data->>'userId' = any(${rotation})
    order by tx_id, id`.execute(database.db);
  const truth = rows.map((row) => row.id);
  const problems: string[] = [];
  if (truth.length !== expected) problems.push(`database has ${truth.length} events for ${expected} successful calls`);
  if (failedCalls > 0) problems.push(`${failedCalls} users.update calls failed`);
  const ids = (subscriber: Subscriber) => subscriber.received.map((index) => events[index]!.id);
  const wrong = subscribers.map(ids).filter((got) => got.length !== truth.length || got.some((id, i) => id !== truth[i]));
  if (wrong.length > 0) {
    const truthSet = new Set(truth);
    const tally = { missing: 0, duplicated: 0, unknown: 0 };
    for (const got of wrong) {
      const gotSet = new Set(got);
      tally.missing += truth.filter((id) => !gotSet.has(id)).length;
      tally.duplicated += got.length - gotSet.size;
      tally.unknown += [...gotSet].filter((id) => !truthSet.has(id)).length;
    }
    problems.push(
      `${wrong.length} of ${subscribers.length} subscribers did not get every event exactly once in the database's order: ` +
        `${tally.missing} deliveries missing, ${tally.duplicated} duplicated, ${tally.unknown} unknown (any other difference is order)`,
    );
  }
  if (subscriptionErrors > 0) problems.push(`${subscriptionErrors} subscription errors`);
  if (disconnects > disconnectsBefore) problems.push(`${disconnects - disconnectsBefore} WebSocket disconnects during the run`);

  const latency = delivery.summary();
  const rows_ = [
    { measure: 'receive − occurredAt', ...delivery.summary() },
    { measure: 'receive − mutation sent', ...sinceSend.summary() },
    { measure: 'mutation round trip', ...roundTrip.summary() },
  ];
  console.log(
    `\n${subscribers.length} subscribers (A ${subscribers.filter((s) => s.instance === 'A').length}, B ${subscribers.filter((s) => s.instance === 'B').length}), ` +
      `${expected} events in ${round(produceSeconds, 1)} s (${round(expected / produceSeconds, 1)}/s asked ${flags.rate}/s), ` +
      `${delivery.count} deliveries (${round(delivery.count / produceSeconds, 0)}/s), drained ${drainMs} ms after the last call; producer waited ${producerWaits}×`,
  );
  printTable(
    rows_.map(({ measure, count, p50, p99, max, mean }) => ({
      measure,
      count,
      'p50 ms': p50,
      'p99 ms': p99,
      'max ms': max,
      'mean ms': mean,
    })),
  );
  const perDelivery = (cores = 0, instance?: string) => {
    const count = subscribers.filter((s) => !instance || s.instance === instance).reduce((sum, s) => sum + s.received.length, 0);
    return round((cores * measuredSeconds * 1e6) / Math.max(1, count), 0);
  };
  const cpuPerDeliveryUs = {
    instanceA: perDelivery(cpu.instanceA, 'A'),
    instanceB: perDelivery(cpu.instanceB, 'B'),
    bench: perDelivery(cpu.bench),
  };
  console.log(
    `cores used: ${Object.entries(cpu)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')} (of ${availableParallelism()})`,
  );
  console.log(
    `CPU per delivery: instance A ${cpuPerDeliveryUs.instanceA} µs, instance B ${cpuPerDeliveryUs.instanceB} µs, bench (receiving) ${cpuPerDeliveryUs.bench} µs`,
  );
  const meets = latency.p99 < TARGET_P99_MS;
  console.log(`p99 delivery latency ${latency.p99} ms (target < ${TARGET_P99_MS} ms: ${meets ? 'met' : 'NOT met'})`);
  for (const problem of problems) console.error(`FAIL: ${problem}`);
  const file = writeResult('ws-fanout.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags: { subscribers: flags.subscribers, rate: flags.rate, duration: flags.duration, users: flags.users },
    events: expected,
    achievedRate: round(expected / produceSeconds, 1),
    deliveries: delivery.count,
    drainMs,
    producerWaits,
    latencyMs: Object.fromEntries(rows_.map(({ measure, ...summary }) => [measure, summary])),
    machineBusyBeforePct: quiet,
    coresUsed: cpu,
    cpuPerDeliveryUs,
    targetP99Ms: TARGET_P99_MS,
    meetsTarget: meets,
    problems,
  });
  console.log(`wrote ${file}`);
  return problems.length > 0 ? 1 : 0;
});
