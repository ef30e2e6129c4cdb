import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { createTRPCClient, httpLink } from '@trpc/client';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import type { AppRouter } from '../../src/trpc/app-router';
import type { FixedRateConfig, FixedRateResult } from './fixed-rate-load';
import { rawSqlOnPglite, rawSqlOnPool, startRawServer } from './raw-server';
import {
  appDatabaseEnv,
  BENCH_APP_ENV,
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  onCleanup,
  parseFlags,
  prepareBenchDatabase,
  printSummary,
  printTable,
  round,
  runBench,
  runLoadProcess,
  Samples,
  seedBenchTenant,
  startCpuProfile,
  waitForQuietMachine,
  writeResult,
  ownerPool,
} from './support';

const HELP = `Usage: npm run bench:http -- [--duration 10] [--connections 50] [--rounds 2] [--warmup 3] [--users 300] [--rate 300] [--breakdown] [--pglite] [--quick] [--keep]

Authenticated, tenant-scoped query over HTTP: tRPC users.get({ id }) against raw node:http handlers
in the same process, on the same pg pool, with the same JWT check and select:
  trpc      GET /trpc/users.get?input=…  (app server: request observer → tRPC → auth → RLS transaction → select)
  raw       GET /users.get?input=…       (node:http → verify JWT → one select with the tenant filter)
  raw-rls   GET /rls/users.get?input=…   (raw, but the select runs in withTenant's transaction: BEGIN, set_config, select, COMMIT)
The app and the raw server run in this process; autocannon runs in a child process. Every response
must be 200 with the expected body, or the script fails. The headline: trpc/raw-rls throughput (the
same JWT check, RLS transaction and select), target ≥ ${'$'}{TARGET_RATIO}. Then tRPC alone at a fixed --rate
(default 300 authenticated queries/s, open loop: evenly spaced, from scripts/bench/fixed-rate-load.ts in its own
process, over --connections sockets): its p99 from each request's scheduled time (target < ${'$'}{FIXED_RATE_P99_MS} ms).

  --duration     seconds per measured run (default 10)
  --connections  autocannon connections, and the fixed-rate run's most sockets (default 50)
  --rounds       measured runs per target, alternating targets (default 2)
  --warmup       seconds of unmeasured load per target first (default 3)
  --users        extra users per tenant, two tenants (default 300)
  --breakdown    also measure, to see where tRPC's time goes:
                   raw-rls3         raw-rls with BEGIN + set_config in one simple query (3 round trips, not 4)
                   trpc bare        the same router on tRPC's node:http adapter in the raw server, without
                                    the app's request observer (request id, AsyncLocalStorage, pino-http)
                   express /health  the app's Express side (observer + Express), no tRPC, no auth, no query
                   trpc auth.me     the app's tRPC path with auth but no query
  --rate         requests/s of the fixed-rate tRPC run (default 300)
  --pglite       run on the embedded default (PGlite in this process, a data dir under .bench/pglite) instead of
                 Postgres; the headline is then tRPC's throughput against the ${'$'}{EMBEDDED_TARGET} req/s a small business needs
  --quick        1 round of 5 s after 2 s of warm-up, 100 users
  --profile      record a CPU profile of this process during each target's first measured run
                 (.bench/profiles/http-<target>.cpuprofile; summarise with scripts/bench/profile-summary.ts)
  --keep         keep the database balcao_bench_http (or its data dir) afterwards
Writes .bench/http-query.json (.bench/http-query-pglite.json with --pglite).`;

const DATABASE = 'balcao_bench_http';
const TARGET_RATIO = 0.7;
/** Authenticated queries/s the embedded default must serve on its own. */
const EMBEDDED_TARGET = 300;
const FIXED_RATE_P99_MS = 100;
const parsed = parseFlags(HELP, { duration: 10, connections: 50, rounds: 2, warmup: 3, users: 300, rate: 300 }, [
  'breakdown',
  'profile',
  'pglite',
  'quick',
]);
const flags = parsed.quick ? { ...parsed, duration: 5, rounds: 1, warmup: 2, users: 100 } : parsed;
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

async function fetchBody(name: string, url: string, token: string): Promise<string> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${name} answered ${response.status}: ${body}`);
  return body;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number };
}

/** autocannon in its own process, so the load generator never runs on the servers' event loop. */
function autocannon(url: string, token: string, expectedBody: string | undefined, seconds: number): Promise<AutocannonResult> {
  const args = ['-j', '-n', '-c', String(flags.connections), '-d', String(seconds), '-H', `authorization=Bearer ${token}`];
  if (expectedBody !== undefined) args.push('-E', expectedBody);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [autocannonBin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop()!) as AutocannonResult);
    });
  });
}

runBench(async () => {
  const database = await prepareBenchDatabase(DATABASE, { pglite: flags.pglite, keep: flags.keep });
  const app = await bootstrap(loadConfig({ ...BENCH_APP_ENV, ...appDatabaseEnv(database), PORT: '0' }));
  onCleanup(() => app.stop());
  const { services } = app;
  // The raw handlers' connections: on Postgres a pool of the tables' owner (the bare select filters by
  // tenant itself; the transactions switch to app_rls), on PGlite the app's own session (which already
  // runs as app_rls, so the bare select, which sets no tenant, is left out there).
  const rawSql = database.kind === 'postgres' ? rawSqlOnPool(ownerPool(database.url)) : rawSqlOnPglite(services.database.pglite!);

  const [tenant] = await Promise.all([
    seedBenchTenant(services.db, 'bench-http-a', flags.users),
    seedBenchTenant(services.db, 'bench-http-b', flags.users),
  ]);
  const userId = tenant!.userIds[Math.floor(tenant!.userIds.length / 2)] ?? tenant!.ownerId;
  const appUrl = `http://127.0.0.1:${app.http.port}`;
  const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${appUrl}/trpc` })] });
  const { accessToken } = await trpc.auth.login.mutate({ tenant: tenant!.slug, email: tenant!.ownerEmail, password: BENCH_PASSWORD });

  const raw = await startRawServer(services, rawSql);
  onCleanup(() => new Promise<void>((resolve) => raw.close(() => resolve())));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  const input = `?input=${encodeURIComponent(JSON.stringify({ id: userId }))}`;
  const targets: Array<{ name: string; url: string; expect?: string }> = [
    { name: 'trpc', url: `${appUrl}/trpc/users.get${input}` },
    ...(database.kind === 'postgres' ? [{ name: 'raw', url: `${rawUrl}/users.get${input}` }] : []),
    { name: 'raw-rls', url: `${rawUrl}/rls/users.get${input}` },
  ];
  if (flags.breakdown) {
    targets.push(
      { name: 'raw-rls3', url: `${rawUrl}/rls3/users.get${input}` },
      { name: 'trpc bare', url: `${rawUrl}/trpc/users.get${input}` },
    );
  }

  // Correctness first: every target answers 200 with the right user (the raw handlers' fields equal
  // tRPC's); then autocannon checks that every response repeats that target's exact body.
  const bodies = await Promise.all(targets.map(({ name, url }) => fetchBody(name, url, accessToken)));
  const dataOf = (body: string) => (JSON.parse(body) as { result: { data: Record<string, unknown> } }).result.data;
  const reference = dataOf(bodies[0]!);
  if (reference.id !== userId || reference.role !== 'agent') throw new Error(`trpc returned the wrong user: ${bodies[0]}`);
  for (const [i, body] of bodies.entries()) {
    const data = dataOf(body);
    const differs = Object.keys(data).filter((key) => !isDeepStrictEqual(data[key], reference[key]));
    if (differs.length > 0 || data.id !== userId)
      throw new Error(`${targets[i]!.name} differs from trpc in ${differs.join(', ')}:\n${body}\n${bodies[0]}`);
    targets[i]!.expect = body;
  }
  if (flags.breakdown) {
    // The app without the query: its Express side alone, then its tRPC path with auth.
    const me = `${appUrl}/trpc/auth.me`;
    targets.push(
      { name: 'express /health', url: `${appUrl}/health` },
      { name: 'trpc auth.me', url: me, expect: await fetchBody('auth.me', me, accessToken) },
    );
  }
  console.log(`user ${userId} of ${tenant!.slug}; ${flags.connections} connections, ${flags.rounds} × ${flags.duration} s per target`);

  const quiet = await waitForQuietMachine();
  for (const target of targets) await autocannon(target.url, accessToken, target.expect, flags.warmup);
  const runs: Array<
    { target: string; round: number; reqPerSec: number; p50: number; p99: number; max: number; appCpuUsPerReq: number } & Record<
      string,
      number | string
    >
  > = [];
  for (let round_ = 1; round_ <= flags.rounds; round_ += 1) {
    for (const target of round_ % 2 === 1 ? targets : [...targets].reverse()) {
      const cpuBefore = cpuSnapshot({ app: process.pid });
      const profile = flags.profile && round_ === 1 ? await startCpuProfile() : undefined;
      const result = await autocannon(target.url, accessToken, target.expect, flags.duration);
      if (profile) console.log(`profile of ${target.name}: ${await profile.save(`http-${target.name.replace(/\W+/g, '-')}`)}`);
      const cores = cpuCores(cpuBefore, cpuSnapshot({ app: process.pid }), result.duration);
      const ok = result['2xx'];
      const failures = result.non2xx + result.errors + result.timeouts + result.mismatches;
      runs.push({
        target: target.name,
        round: round_,
        reqPerSec: round(ok / result.duration, 0),
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        appCpuUsPerReq: round(((cores.app ?? 0) * result.duration * 1e6) / Math.max(1, ok), 0),
        'cores app': cores.app ?? 0,
        'cores autocannon': cores.children ?? 0,
        'cores postgres': cores.postgres ?? 0,
        'cores irq': cores.interrupts ?? 0,
        'cores other': cores.other ?? 0,
        failures,
      });
      if (failures > 0) {
        printTable(runs);
        throw new Error(
          `${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} wrong bodies`,
        );
      }
    }
  }

  const mean = (name: string, key: 'reqPerSec' | 'p50' | 'p99' | 'appCpuUsPerReq') => {
    const mine = runs.filter((run) => run.target === name);
    return round(mine.reduce((sum, run) => sum + run[key], 0) / mine.length, 1);
  };
  const summary = targets.map(({ name }) => ({
    target: name,
    'req/s': mean(name, 'reqPerSec'),
    'p50 ms': mean(name, 'p50'),
    'p99 ms': mean(name, 'p99'),
    'app CPU µs/req': mean(name, 'appCpuUsPerReq'),
    'vs raw-rls': round(mean(name, 'reqPerSec') / mean('raw-rls', 'reqPerSec'), 2),
  }));
  console.log(
    `\nruns (cores used: app = this process, with the app and the raw server; autocannon = its child process; irq = kernel interrupts; other = the rest of the machine)`,
  );
  printTable(runs);
  console.log('\nmean over rounds');
  printTable(summary);

  // tRPC alone at the fixed rate a small business's dashboard might reach: does its p99 hold?
  const trpcTarget = targets.find((target) => target.name === 'trpc')!;
  const fixed = await runLoadProcess<FixedRateConfig, FixedRateResult>(path.join(import.meta.dirname, 'fixed-rate-load.ts'), {
    url: trpcTarget.url,
    headers: { authorization: `Bearer ${accessToken}` },
    rate: flags.rate,
    seconds: flags.duration,
    connections: flags.connections,
    expectedBody: trpcTarget.expect,
    drainTimeoutSeconds: 10,
  });
  const fixedFailures = fixed.scheduled - fixed.answered + fixed.non2xx + fixed.errors + fixed.mismatches;
  if (fixedFailures > 0)
    throw new Error(`trpc at ${flags.rate} req/s: ${fixedFailures} of ${fixed.scheduled} requests failed or unanswered`);
  const fixedLatency = new Samples();
  for (const latency of fixed.latenciesMs) fixedLatency.add(latency);
  const { p50, p99 } = fixedLatency.summary();
  const fixedRate = { asked: flags.rate, reached: round(fixed.answered / fixed.elapsedSeconds, 0), p50: round(p50, 1), p99: round(p99, 1) };
  console.log(
    `\ntRPC at a fixed ${flags.rate} req/s: ${fixedRate.reached} req/s answered, p50 ${fixedRate.p50} ms, p99 ${fixedRate.p99} ms (target < ${FIXED_RATE_P99_MS} ms)`,
  );

  const noisiest = Math.max(...runs.map((run) => Number(run['cores other'])));
  if (noisiest > 0.25)
    console.warn(`warning: other work on the machine used up to ${noisiest} cores during a run; figures are low and noisy`);
  const trpcPerSecond = mean('trpc', 'reqPerSec');
  const rawRlsPerSecond = mean('raw-rls', 'reqPerSec');
  const vsBareSelect = database.kind === 'postgres' ? `, ${round(trpcPerSecond / mean('raw', 'reqPerSec'), 2)} of the bare select's` : '';
  const note =
    `tRPC/raw-rls ${round(trpcPerSecond / rawRlsPerSecond, 2)}${vsBareSelect}; app CPU ${mean('trpc', 'appCpuUsPerReq')} µs/call vs ${mean('raw-rls', 'appCpuUsPerReq')}; ` +
    `at a fixed ${flags.rate} req/s p99 ${fixedRate.p99} ms; every answer checked`;
  const headline = printSummary({
    bench: 'http',
    database: database.kind,
    figure: { name: 'tRPC users.get', value: trpcPerSecond, unit: 'req/s' },
    baseline: { name: 'raw handler, same JWT check + RLS transaction + select', value: rawRlsPerSecond },
    better: 'higher',
    // On the embedded default the question is whether it serves a small business, not the framework's share.
    target:
      database.kind === 'postgres' ? { on: 'ratio', op: '≥', value: TARGET_RATIO } : { on: 'figure', op: '≥', value: EMBEDDED_TARGET },
    noisy: noisiest > 0.25,
    note,
  });
  const file = writeResult(database.kind === 'postgres' ? 'http-query.json' : 'http-query-pglite.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    database: database.kind,
    machineBusyBeforePct: quiet,
    headline,
    fixedRate,
    maxOtherCores: noisiest,
    summary,
    runs,
  });
  console.log(`wrote ${file}`);
  return 0;
});
