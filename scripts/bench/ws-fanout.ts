import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { Redis } from 'ioredis';
import { createDatabase } from '../../src/db/database';
import type { AppRouter } from '../../src/trpc/app-router';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  onCleanup,
  openOwnerSql,
  parseFlags,
  prepareBenchDatabase,
  printSummary,
  printTable,
  REDIS_URL,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  sleep,
  startAppProcess,
  waitForQuietMachine,
  writeResult,
  stoppedWithBench,
} from './support';
import type { SubscriberCommand, SubscriberReport } from './ws-subscribers';

const HELP = `Usage: npm run bench:ws -- [--subscribers 1000] [--seconds 10] [--start-rate 10] [--steps 7] [--refine 2]
                        [--saturate 10] [--window 50] [--users 20] [--rate N] [--ungrouped] [--quick] [--keep]

Live-event fan-out to --subscribers @trpc/client wsLink clients, against a bare \`ws\` server in the same run.

events.stream: two app processes (tsx src/main.ts) on one Postgres (balcao_bench_ws) and one Redis, half
  the subscribers on each, as the tenant owner, on events.streamGrouped (the dashboard's subscription;
  --ungrouped: events.stream, one frame per event). Events are users.update calls on the first
  instance, rotating over --users users with one call in flight per user.
bare ws: two processes of scripts/bench/ws-bare-server.ts, fed the same user.updated events through a
  Redis channel, sending every client tRPC's data frame for each event (one send per event per client).
The subscribers run in two processes of their own (scripts/bench/ws-subscribers.ts), one per server.

For each, the same measures:
  ladder: --seconds at --start-rate events/s, doubling up to --steps times until p99 ≥ 100 ms (or the
    producer falls behind, or an event misses a subscriber); then --refine bisection steps between the
    last rate that held and the first that did not. --rate N runs that one rate instead.
    Latency = receive time − event.occurredAt (for the app: when the writing transaction began).
  saturation: --saturate seconds with --window events produced but not yet received by every
    subscriber, so the servers never wait for work: the deliveries/s reached.
Every event must reach every subscriber exactly once and in order (the database's (tx_id, id) order for
the app, the publishing order for the baseline), or the script exits 1.
Headline: events.stream deliveries/s ÷ bare ws deliveries/s at saturation (target ≥ 0.5); the note has
the highest rate that kept p99 < 100 ms for each.
--quick: two ladder steps of 3 s (20 and 80 events/s) and 3 s of saturation, about a minute in all.
To profile the app: BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof-ws" npm run bench:ws, then
  npx tsx scripts/bench/profile-summary.ts <file> for each instance's profile in /tmp/prof-ws (the larger two).
1,000 sockets need ulimit -n above ~2,100; raise it with \`ulimit -n 8192\`.
Writes .bench/ws-fanout.json and appends the summary line to .bench/summary.jsonl.`;

const DATABASE = 'balcao_bench_ws';
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.5;
const DRAIN_TIMEOUT_MS = 15_000;
const flags = parseFlags(
  HELP,
  { subscribers: 1000, seconds: 10, 'start-rate': 10, steps: 7, refine: 2, saturate: 10, window: 50, users: 20, rate: 0 },
  ['quick', 'ungrouped'] as const,
);
if (flags.quick) Object.assign(flags, { seconds: 3, 'start-rate': 20, steps: 2, refine: 0, saturate: 3 });
const ladderFactor = flags.quick ? 4 : 2;
const SUBSCRIBER_SCRIPT = path.resolve('scripts/bench/ws-subscribers.ts');
const BARE_SERVER_SCRIPT = path.resolve('scripts/bench/ws-bare-server.ts');

/** One server process of a target (an app instance or a bare ws process). */
interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** What is measured: its servers, how it gets one event, and the order its events must arrive in. */
interface Target {
  name: 'events.stream' | 'bare ws';
  servers: Server[];
  grouped: boolean;
  /** Raises one measured event; resolves when the producer may reuse the slot (the call answered). */
  produce(slot: number): Promise<void>;
  warmUp(attempt: number): Promise<void>;
  /** The measured events' ids in the order every subscriber must receive them. */
  truth(): Promise<number[]>;
}

interface StepResult {
  target: string;
  step: string;
  askedRate: number | undefined;
  events: number;
  achievedRate: number;
  deliveriesPerSecond: number;
  framesPerSecond: number;
  drained: boolean;
  drainMs: number;
  producerWaits: number;
  failedCalls: number;
  latency: ReturnType<Samples['summary']>;
  cores: Record<string, number>;
  serverCpuPerDeliveryUs: number;
  subscriberCpuPerDeliveryUs: number;
  holds: boolean;
}

/** A process of subscribers, driven over IPC. */
class SubscriberProcess extends EventEmitter {
  readonly child: ChildProcess;
  deliveries = 0;
  frames = 0;
  warmedUp = 0;
  disconnects = 0;
  errors: string[] = [];

  constructor(readonly name: string) {
    super();
    this.child = spawn(process.execPath, ['--import', 'tsx', SUBSCRIBER_SCRIPT], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const killNow = () => this.child.kill('SIGKILL');
    process.once('exit', killNow);
    onCleanup(() => {
      process.off('exit', killNow);
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    });
    this.child.on('message', (report: SubscriberReport) => {
      if (report.kind === 'progress') {
        this.deliveries = report.deliveries;
        this.frames = report.frames;
        this.warmedUp = report.warmedUp;
        this.disconnects = report.disconnects;
        this.errors.push(...report.errors);
      }
      this.emit(report.kind, report);
    });
    this.child.once('exit', (code) => {
      if (code !== 0 && code !== null) this.emit('failed', new Error(`subscriber process ${name} exited with ${code}`));
    });
  }

  /** Sends a command and waits for the report of the given kind. */
  request<K extends SubscriberReport['kind']>(command: SubscriberCommand, kind: K): Promise<Extract<SubscriberReport, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const onFailed = (error: Error) => reject(error);
      this.once('failed', onFailed);
      this.once(kind, (report: Extract<SubscriberReport, { kind: K }>) => {
        this.off('failed', onFailed);
        resolve(report);
      });
      this.child.send(command);
    });
  }
}

/** The subscribers of one target: their processes, and which measured events every one of them has received. */
class Audience {
  readonly processes: SubscriberProcess[];
  /** Measured events received by every subscriber. */
  complete = 0;
  #completions = new Map<number, number>();
  #progress = new EventEmitter();

  constructor(servers: Server[]) {
    this.processes = servers.map((server) => new SubscriberProcess(server.name));
    for (const subscriberProcess of this.processes) {
      subscriberProcess.on('progress', (report: Extract<SubscriberReport, { kind: 'progress' }>) => {
        for (const id of report.completed) {
          const done = (this.#completions.get(id) ?? 0) + 1;
          if (done === this.processes.length) {
            this.#completions.delete(id);
            this.complete += 1;
          } else this.#completions.set(id, done);
        }
        this.#progress.emit('progress');
      });
    }
  }

  get deliveries(): number {
    return this.processes.reduce((sum, each) => sum + each.deliveries, 0);
  }

  get frames(): number {
    return this.processes.reduce((sum, each) => sum + each.frames, 0);
  }

  get warmedUp(): number {
    return this.processes.reduce((sum, each) => sum + each.warmedUp, 0);
  }

  get disconnects(): number {
    return this.processes.reduce((sum, each) => sum + each.disconnects, 0);
  }

  get errors(): string[] {
    return this.processes.flatMap((each) => each.errors);
  }

  /** Resolves at the next progress report (or after `ms`). */
  nextProgress(ms = 100): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#progress.once('progress', done);
    });
  }

  async connect(servers: Server[], token: string, total: number, grouped: boolean, warmupUserId: string): Promise<void> {
    await Promise.all(
      this.processes.map((each, i) => {
        const count = Math.floor(total / this.processes.length) + (i < total % this.processes.length ? 1 : 0);
        return each.request({ kind: 'connect', url: servers[i]!.url, token, count, grouped, warmupUserId }, 'connected');
      }),
    );
  }

  async collectLatencies(): Promise<Samples> {
    const samples = new Samples();
    for (const each of this.processes) {
      const { latenciesMs } = await each.request({ kind: 'collect' }, 'samples');
      for (const value of latenciesMs) samples.add(value);
    }
    return samples;
  }

  async check(truth: number[]) {
    const tallies = await Promise.all(this.processes.map((each) => each.request({ kind: 'check', truth }, 'checked')));
    return tallies.reduce(
      (sum, tally) => ({
        wrong: sum.wrong + tally.wrong,
        missing: sum.missing + tally.missing,
        duplicated: sum.duplicated + tally.duplicated,
        unknown: sum.unknown + tally.unknown,
        deliveries: sum.deliveries + tally.deliveries,
      }),
      { wrong: 0, missing: 0, duplicated: 0, unknown: 0, deliveries: 0 },
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((each) => each.request({ kind: 'close' }, 'closed')));
  }
}

/** The bare ws baseline's process; its first line of output says where it listens. */
async function startBareServer(name: string, channel: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', BARE_SERVER_SCRIPT, JSON.stringify({ redisUrl: REDIS_URL, channel })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = stoppedWithBench(child);
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`bare ws server ${name} exited with ${code} before listening`)));
  });
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
}

runBench(async () => {
  const benchStartedAt = performance.now();
  const database = await prepareBenchDatabase(DATABASE, { pglite: false, keep: flags.keep });
  if (database.kind !== 'postgres') throw new Error('bench:ws runs two instances, which need the Postgres server');
  const owner = await openOwnerSql(database);
  const results: StepResult[] = [];
  const problems: string[] = [];
  const checks: Record<string, string> = {};
  const saturation: Record<string, StepResult> = {};
  const maxHolding: Record<string, number | undefined> = {};

  // ---- events.stream: two app instances on one Redis ----
  // Every bench on this machine logs in from 127.0.0.1 through the same Redis: not this one's limit to hit.
  const appEnv = { LOGIN_MAX_ATTEMPTS_PER_IP: '1000000' };
  const a = await startAppProcess('A', database, appEnv);
  const b = await startAppProcess('B', database, appEnv);
  const seedDatabase = await createDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
  const tenant = await seedBenchTenant(seedDatabase.db, 'bench-ws', flags.users + 1);
  await seedDatabase.close();
  const [warmupUserId, ...rotation] = tenant.userIds as [string, ...string[]];
  const trpcHttp = (headers: Record<string, string> = {}) =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: `${a.url}/trpc`, headers })] });
  const { accessToken: token } = await trpcHttp().auth.login.mutate({
    tenant: tenant.slug,
    email: tenant.ownerEmail,
    password: BENCH_PASSWORD,
  });
  const producer = trpcHttp({ authorization: `Bearer ${token}` });
  let updates = 0;
  const appTarget: Target = {
    name: 'events.stream',
    grouped: !flags.ungrouped,
    servers: [
      { name: 'A', url: a.url, pid: a.process.pid!, stop: a.stop },
      { name: 'B', url: b.url, pid: b.process.pid!, stop: b.stop },
    ],
    produce: async (slot) => {
      await producer.users.update.mutate({ id: rotation[slot]!, name: `Bench ${(updates += 1)}` });
    },
    warmUp: async (attempt) => {
      await producer.users.update.mutate({ id: warmupUserId, name: `Warm-up ${attempt}` });
    },
    truth: async () => {
      const { rows } = await owner.query<{ id: string }>(
        `select id::text from events where tenant_id = $1 and type = 'user.updated' and data->>'userId' = any($2) order by events.tx_id, events.id`,
        [tenant.tenantId, rotation],
      );
      return rows.map((row) => Number(row.id));
    },
  };
  await measure(appTarget);
  await Promise.all(appTarget.servers.map((server) => server.stop()));

  // ---- the baseline: bare ws processes fed the same events through Redis ----
  const channel = `bench:ws:bare:${process.pid}`;
  const publisher = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  onCleanup(() => void publisher.disconnect());
  const published: number[] = [];
  let nextBareId = 1;
  const bareEvent = (userId: string) => {
    const id = nextBareId++;
    const event = {
      id: String(id),
      type: 'user.updated',
      occurredAt: new Date().toISOString(),
      data: { userId, changes: ['name'], active: true, role: 'agent' },
    };
    return { id, json: JSON.stringify(event) };
  };
  const bareTarget: Target = {
    name: 'bare ws',
    grouped: false,
    servers: [await startBareServer('bare 1', channel), await startBareServer('bare 2', channel)],
    produce: async (slot) => {
      const { id, json } = bareEvent(rotation[slot]!);
      published.push(id);
      await publisher.publish(channel, json);
    },
    warmUp: async () => {
      await publisher.publish(channel, bareEvent(warmupUserId).json);
    },
    truth: async () => published,
  };
  await measure(bareTarget);
  await Promise.all(bareTarget.servers.map((server) => server.stop()));

  // ---- report ----
  console.log('');
  printTable(
    results.map((result) => ({
      target: result.target,
      step: result.step,
      'events/s asked': result.askedRate ?? '—',
      'events/s': result.achievedRate,
      'deliveries/s': result.deliveriesPerSecond,
      'frames/s': result.framesPerSecond,
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      'max ms': result.latency.max,
      'server µs/delivery': result.serverCpuPerDeliveryUs,
      'subscribers µs/delivery': result.subscriberCpuPerDeliveryUs,
      'machine busy %': result.cores.machineBusyPct ?? 0,
      'other cores': result.cores.other ?? 0,
      holds: result.askedRate === undefined ? '' : result.holds ? 'yes' : 'no',
    })),
  );
  for (const problem of problems) console.error(`FAIL: ${problem}`);
  const figure = saturation['events.stream']!.deliveriesPerSecond;
  const baseline = saturation['bare ws']!.deliveriesPerSecond;
  const noisy = results.some((result) => (result.cores.other ?? 0) > 0.25);
  const rateText = (name: string) => {
    const rate = maxHolding[name];
    return rate === undefined
      ? `${name} none of the rates tried`
      : `${name} ${rate} events/s (${(rate * flags.subscribers).toLocaleString('en-US')} deliveries/s)`;
  };
  const file = writeResult('ws-fanout.json', {
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    flags,
    results,
    maxRateWithP99Under100Ms: maxHolding,
    checks,
    problems,
  });
  console.log(`wrote ${file} (the whole run took ${Math.round((performance.now() - benchStartedAt) / 1000)} s)`);
  printSummary({
    bench: 'ws',
    database: 'postgres',
    figure: { name: 'events.stream deliveries/s', value: figure, unit: 'deliveries/s' },
    baseline: { name: 'bare ws deliveries/s', value: baseline },
    better: 'higher',
    target: { on: 'ratio', op: '≥', value: TARGET_RATIO },
    noisy,
    note:
      `${flags.subscribers} subscribers on 2 processes per target, ${appTarget.grouped ? 'events.streamGrouped' : 'events.stream'}; ` +
      `saturation with ${flags.window} events in flight for ${flags.saturate} s; ` +
      `max rate with p99 < ${TARGET_P99_MS} ms: ${rateText('events.stream')}, ${rateText('bare ws')}; ` +
      `checks: events.stream ${checks['events.stream']}; bare ws ${checks['bare ws']}`,
  });
  return problems.length > 0 ? 1 : 0;

  /** Connects the subscribers, warms up, climbs the rate ladder, saturates, checks every delivery. */
  async function measure(target: Target): Promise<void> {
    console.log(`\n== ${target.name}: connecting ${flags.subscribers} subscribers to ${target.servers.map((s) => s.url).join(' and ')}…`);
    const audience = new Audience(target.servers);
    await audience.connect(target.servers, token, flags.subscribers, target.grouped, warmupUserId);
    // A subscription counts as live once it has delivered an event: warm up until all have.
    for (let attempt = 0; audience.warmedUp < flags.subscribers; attempt += 1) {
      if (attempt >= 100) throw new Error(`${flags.subscribers - audience.warmedUp} subscribers never received a warm-up event`);
      await target.warmUp(attempt);
      await sleep(100);
    }
    await audience.collectLatencies(); // drops the warm-up's
    const disconnectsBefore = audience.disconnects;
    await waitForQuietMachine(flags.quick ? 4 : 30);
    const pids = {
      ...Object.fromEntries(target.servers.map((server) => [`server ${server.name}`, server.pid])),
      ...Object.fromEntries(audience.processes.map((each) => [`subscribers ${each.name}`, each.child.pid!])),
      bench: process.pid,
    };
    let produced = 0;

    const step = async (name: string, options: { rate: number } | { window: number }, seconds: number): Promise<StepResult> => {
      const slots = Array.from({ length: rotation.length }, (_, i) => i);
      const busy = new Set<number>();
      const pending = new Set<Promise<void>>();
      let failedCalls = 0;
      let producerWaits = 0;
      let nextSlot = 0;
      let events = 0;
      const deliveriesBefore = audience.deliveries;
      const framesBefore = audience.frames;
      const completeBefore = audience.complete;
      const cpuBefore = cpuSnapshot(pids);
      const startedAt = performance.now();
      const deadline = startedAt + seconds * 1000;
      for (let i = 0; performance.now() < deadline; i += 1) {
        if ('rate' in options) {
          const wait = startedAt + (i * 1000) / options.rate - performance.now();
          if (wait >= 1) await sleep(wait);
        } else {
          while (produced - failedCalls - audience.complete >= options.window && performance.now() < deadline)
            await audience.nextProgress();
        }
        let slot: number | undefined;
        while ((slot = slots.map((_, k) => (nextSlot + k) % slots.length).find((candidate) => !busy.has(candidate))) === undefined) {
          producerWaits += 1; // every slot has a call in flight: the server is behind
          await Promise.race(pending);
        }
        if (performance.now() >= deadline) break;
        nextSlot = (slot + 1) % slots.length;
        busy.add(slot);
        produced += 1;
        events += 1;
        const call: Promise<void> = target
          .produce(slot)
          .catch((error: Error) => {
            failedCalls += 1;
            console.error(`${target.name}: producing an event failed: ${error.message}`);
          })
          .finally(() => {
            busy.delete(slot);
            pending.delete(call);
          });
        pending.add(call);
      }
      const produceSeconds = (performance.now() - startedAt) / 1000;
      const deliveriesInWindow = audience.deliveries - deliveriesBefore;
      const framesInWindow = audience.frames - framesBefore;
      await Promise.all(pending);
      produced -= failedCalls;
      const expected = events - failedCalls;
      const drainStarted = performance.now();
      while (audience.complete - completeBefore < expected && performance.now() - drainStarted < DRAIN_TIMEOUT_MS)
        await audience.nextProgress();
      const drainMs = Math.round(performance.now() - drainStarted);
      const drained = audience.complete - completeBefore >= expected;
      const elapsed = (performance.now() - startedAt) / 1000;
      const cores = cpuCores(cpuBefore, cpuSnapshot(pids), elapsed);
      delete cores.children;
      const latency = (await audience.collectLatencies()).summary();
      const deliveries = audience.deliveries - deliveriesBefore;
      const cpuPerDelivery = (prefix: string) =>
        round(
          (Object.entries(cores)
            .filter(([key]) => key.startsWith(prefix))
            .reduce((sum, [, value]) => sum + value, 0) *
            elapsed *
            1e6) /
            Math.max(1, deliveries),
          1,
        );
      const achievedRate = round(expected / produceSeconds, 1);
      const askedRate = 'rate' in options ? options.rate : undefined;
      const result: StepResult = {
        target: target.name,
        step: name,
        askedRate,
        events: expected,
        achievedRate,
        // A saturated step counts what arrived while producing; a paced one, everything it produced, until the last arrived.
        deliveriesPerSecond: round(askedRate === undefined ? deliveriesInWindow / produceSeconds : deliveries / elapsed, 0),
        framesPerSecond: round(askedRate === undefined ? framesInWindow / produceSeconds : (audience.frames - framesBefore) / elapsed, 0),
        drained,
        drainMs,
        producerWaits,
        failedCalls,
        latency,
        cores,
        serverCpuPerDeliveryUs: cpuPerDelivery('server'),
        subscriberCpuPerDeliveryUs: cpuPerDelivery('subscribers'),
        holds: drained && failedCalls === 0 && latency.p99 < TARGET_P99_MS && askedRate !== undefined && achievedRate >= askedRate * 0.95,
      };
      results.push(result);
      console.log(
        `${target.name} ${name}: ${expected} events (${achievedRate}/s${askedRate ? ` of ${askedRate}/s asked` : ''}), ` +
          `${result.deliveriesPerSecond} deliveries/s, ${result.framesPerSecond} frames/s, p50 ${latency.p50} ms, p99 ${latency.p99} ms, ` +
          `${drained ? `drained in ${drainMs} ms` : `NOT drained after ${drainMs} ms`}; producer waited ${producerWaits}×; ` +
          `server ${result.serverCpuPerDeliveryUs} µs/delivery; machine ${cores.machineBusyPct} % busy, other work ${cores.other} cores`,
      );
      if (!drained)
        problems.push(
          `${target.name} ${name}: ${expected - (audience.complete - completeBefore)} events had not reached every subscriber ${DRAIN_TIMEOUT_MS} ms after the last`,
        );
      if (failedCalls > 0) problems.push(`${target.name} ${name}: ${failedCalls} events failed to be produced`);
      return result;
    };

    // The ladder: doubling (×4 in --quick) until a rate does not hold, then bisecting.
    let holding: number | undefined;
    let failing: number | undefined;
    const rates = flags.rate > 0 ? [flags.rate] : Array.from({ length: flags.steps }, (_, i) => flags['start-rate'] * ladderFactor ** i);
    for (const rate of rates) {
      const result = await step(`${rate}/s`, { rate }, flags.seconds);
      if (!result.holds) {
        failing = rate;
        break;
      }
      holding = rate;
    }
    for (let i = 0; i < flags.refine && holding !== undefined && failing !== undefined && failing - holding > 1; i += 1) {
      const rate = Math.round((holding + failing) / 2);
      if ((await step(`${rate}/s`, { rate }, flags.seconds)).holds) holding = rate;
      else failing = rate;
    }
    maxHolding[target.name] = holding;
    saturation[target.name] = await step('saturated', { window: flags.window }, flags.saturate);

    const truth = await target.truth();
    const tally = await audience.check(truth);
    if (truth.length !== produced) problems.push(`${target.name}: ${truth.length} events recorded for ${produced} produced`);
    if (tally.wrong > 0) {
      problems.push(
        `${target.name}: ${tally.wrong} of ${flags.subscribers} subscribers did not get every event exactly once in order: ` +
          `${tally.missing} deliveries missing, ${tally.duplicated} duplicated, ${tally.unknown} unknown (any other difference is order)`,
      );
    }
    const errors = audience.errors;
    if (errors.length > 0) problems.push(`${target.name}: ${errors.length} subscription errors (first: ${errors[0]})`);
    const disconnects = audience.disconnects - disconnectsBefore;
    if (disconnects > 0) problems.push(`${target.name}: ${disconnects} WebSocket disconnects during the run`);
    checks[target.name] =
      `${truth.length} events × ${flags.subscribers} = ${tally.deliveries} deliveries: ${tally.missing} lost, ${tally.duplicated} duplicated, ` +
      `${tally.wrong === 0 ? 'order kept' : `${tally.wrong} subscribers wrong`}, ${errors.length} errors, ${disconnects} disconnects`;
    console.log(`${target.name}: ${checks[target.name]}`);
    await audience.close();
  }
});
