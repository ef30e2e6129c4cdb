import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { createTRPCClient, httpLink } from '@trpc/client';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import type { AppRouter } from '../../src/trpc/app-router';
import { startRawServer } from './raw-server';
import {
  BENCH_APP_ENV,
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
  seedBenchTenant,
  waitForQuietMachine,
  writeResult,
  ownerPool,
} from './support';

const HELP = `Usage: npm run bench:http -- [--duration 10] [--connections 50] [--rounds 2] [--warmup 3] [--users 300] [--breakdown] [--keep]

Authenticated, tenant-scoped query over HTTP: tRPC users.get({ id }) against raw node:http handlers
in the same process, on the same pg pool, with the same JWT check and select:
  trpc      GET /trpc/users.get?input=…  (app server: request observer → tRPC → auth → RLS transaction → select)
  raw       GET /users.get?input=…       (node:http → verify JWT → one select with the tenant filter)
  raw-rls   GET /rls/users.get?input=…   (raw, but the select runs in withTenant's transaction: BEGIN, set_config, select, COMMIT)
The app and the raw server run in this process; autocannon runs in a child process. Every response
must be 200 with the expected body, or the script fails. Target: trpc/raw throughput ≥ 0.5.

  --duration     seconds per measured run (default 10)
  --connections  autocannon connections (default 50)
  --rounds       measured runs per target, alternating targets (default 2)
  --warmup       seconds of unmeasured load per target first (default 3)
  --users        extra users per tenant, two tenants (default 300)
  --breakdown    also measure, to see where tRPC's time goes:
                   raw-rls3         raw-rls with BEGIN + set_config in one simple query (3 round trips, not 4)
                   trpc bare        the same router on tRPC's node:http adapter in the raw server, without
                                    the app's request observer (request id, AsyncLocalStorage, pino-http)
                   express /health  the app's Express side (observer + Express), no tRPC, no auth, no query
                   trpc auth.me     the app's tRPC path with auth but no query
  --keep         keep the database balcao_bench_http afterwards
Writes .bench/http-query.json.`;

const DATABASE = 'balcao_bench_http';
const TARGET_RATIO = 0.5;
const flags = parseFlags(HELP, { duration: 10, connections: 50, rounds: 2, warmup: 3, users: 300 }, ['breakdown']);
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
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const app = await bootstrap(loadConfig({ ...BENCH_APP_ENV, DATABASE_URL: databaseUrl, PORT: '0' }));
  onCleanup(() => app.stop());
  const { services } = app;
  const pool = ownerPool(databaseUrl);

  const [tenant] = await Promise.all([
    seedBenchTenant(services.db, 'bench-http-a', flags.users),
    seedBenchTenant(services.db, 'bench-http-b', flags.users),
  ]);
  const userId = tenant!.userIds[Math.floor(tenant!.userIds.length / 2)] ?? tenant!.ownerId;
  const appUrl = `http://127.0.0.1:${app.http.port}`;
  const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${appUrl}/trpc` })] });
  const { accessToken } = await trpc.auth.login.mutate({ tenant: tenant!.slug, email: tenant!.ownerEmail, password: BENCH_PASSWORD });

  const raw = await startRawServer(services, pool);
  onCleanup(() => new Promise<void>((resolve) => raw.close(() => resolve())));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  const input = `?input=${encodeURIComponent(JSON.stringify({ id: userId }))}`;
  const targets: Array<{ name: string; url: string; expect?: string }> = [
    { name: 'trpc', url: `${appUrl}/trpc/users.get${input}` },
    { name: 'raw', url: `${rawUrl}/users.get${input}` },
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
      const result = await autocannon(target.url, accessToken, target.expect, flags.duration);
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
    'vs raw': round(mean(name, 'reqPerSec') / mean('raw', 'reqPerSec'), 2),
  }));
  const ratio = round(mean('trpc', 'reqPerSec') / mean('raw', 'reqPerSec'), 3);
  console.log(
    `\nruns (cores used: app = this process, with the app and the raw server; autocannon = its child process; irq = kernel interrupts; other = the rest of the machine)`,
  );
  printTable(runs);
  console.log('\nmean over rounds');
  printTable(summary);
  const meets = ratio >= TARGET_RATIO;
  const ratioSameTransaction = round(mean('trpc', 'reqPerSec') / mean('raw-rls', 'reqPerSec'), 3);
  console.log(
    `\ntRPC/raw throughput ratio: ${ratio} (target ≥ ${TARGET_RATIO}: ${meets ? 'met' : 'NOT met'}); tRPC/raw-rls (same transaction): ${ratioSameTransaction}`,
  );
  const noisiest = Math.max(...runs.map((run) => Number(run['cores other'])));
  if (noisiest > 0.25)
    console.warn(`warning: other work on the machine used up to ${noisiest} cores during a run; figures are low and noisy`);
  const file = writeResult('http-query.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    machineBusyBeforePct: quiet,
    ratio,
    ratioSameTransaction,
    targetRatio: TARGET_RATIO,
    maxOtherCores: noisiest,
    meetsTarget: meets,
    summary,
    runs,
  });
  console.log(`wrote ${file}`);
  return 0;
});
