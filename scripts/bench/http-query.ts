import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { createTRPCClient, httpLink } from '@trpc/client';
import type pg from 'pg';
import { bootstrap } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { bearerToken } from '../../src/platform/auth/access-tokens';
import type { Services } from '../../src/services';
import type { AppRouter } from '../../src/trpc/app-router';
import { BENCH_JWT_SECRET, BENCH_PASSWORD, dropDatabase, onCleanup, parseFlags, printTable, recreateDatabase, round, runBench, seedBenchTenant, writeResult } from './support';

const HELP = `Usage: npm run bench:http -- [--duration 10] [--connections 50] [--rounds 2] [--warmup 3] [--users 300] [--keep]

Authenticated, tenant-scoped query over HTTP: tRPC users.get({ id }) against raw node:http handlers
in the same process, on the same pg pool, with the same JWT check and select:
  trpc      GET /trpc/users.get?input=…  (Express → tRPC → auth → RLS transaction → select)
  raw       GET /users.get?input=…       (node:http → verify JWT → one select with the tenant filter)
  raw-rls   GET /rls/users.get?input=…   (raw, but the select runs in withTenant's transaction: BEGIN, set_config, select, COMMIT)
The app and the raw server run in this process; autocannon runs in a child process. Every response
must be 200 with the expected body, or the script fails. Target: trpc/raw throughput ≥ 0.5.

  --duration     seconds per measured run (default 10)
  --connections  autocannon connections (default 50)
  --rounds       measured runs per target, alternating targets (default 2)
  --warmup       seconds of unmeasured load per target first (default 3)
  --users        extra users per tenant, two tenants (default 300)
  --keep         keep the database balcao_bench_http afterwards
Writes .bench/http-query.json.`;

const DATABASE = 'balcao_bench_http';
const TARGET_RATIO = 0.5;
const flags = parseFlags(HELP, { duration: 10, connections: 50, rounds: 2, warmup: 3, users: 300 });
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

const USER_SELECT = `select users.*, roles.key as role_key from users inner join roles on roles.id = users.role_id
  where users.id = $1 and users.tenant_id = $2`;

interface UserRow {
  id: string;
  email: string;
  name: string;
  role_key: string;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

/** The same JSON as tRPC's UserView inside tRPC's result envelope, so one expected body fits every target. */
const userBody = (user: UserRow) =>
  JSON.stringify({
    result: {
      data: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role_key,
        active: user.active,
        lastLoginAt: user.last_login_at?.toISOString() ?? null,
        createdAt: user.created_at.toISOString(),
      },
    },
  });

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Raw handlers: the JWT check and select that users.get does, without Express, tRPC or the directory. */
function startRawServer(services: Services, pool: pg.Pool): Promise<Server> {
  const query = async (req: IncomingMessage, withRls: boolean): Promise<[number, string]> => {
    const token = bearerToken(req.headers.authorization);
    const claims = token ? await services.signer.verify(token).catch(() => undefined) : undefined;
    if (!claims) return [401, '{"error":"UNAUTHORIZED"}'];
    const input = JSON.parse(new URL(req.url ?? '/', 'http://raw').searchParams.get('input') ?? '{}') as { id?: unknown };
    if (typeof input.id !== 'string') return [400, '{"error":"BAD_REQUEST"}'];
    const values = [input.id, claims.tenantId];
    let rows: UserRow[];
    if (!withRls) {
      ({ rows } = await pool.query<UserRow>(USER_SELECT, values));
    } else {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('role', 'app_rls', true), set_config('app.tenant_id', $1, true)`, [claims.tenantId]);
        ({ rows } = await client.query<UserRow>(USER_SELECT, values));
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    return rows[0] ? [200, userBody(rows[0])] : [404, '{"error":"NOT_FOUND"}'];
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/users.get' && path !== '/rls/users.get') return send(res, 404, '{"error":"NOT_FOUND"}');
    query(req, path === '/rls/users.get').then(
      ([status, body]) => send(res, status, body),
      (error: Error) => send(res, 500, JSON.stringify({ error: error.message })),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
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
function autocannon(url: string, token: string, expectedBody: string, seconds: number): Promise<AutocannonResult> {
  const args = ['-j', '-n', '-c', String(flags.connections), '-d', String(seconds), '-H', `authorization=Bearer ${token}`, '-E', expectedBody, url];
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
  const app = await bootstrap(
    loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JOBS_ENABLED: 'false',
      DEMO_TENANT: 'false',
      JWT_SECRET: BENCH_JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    }),
  );
  onCleanup(() => app.stop());
  const { services } = app;
  const pool = services.database.pool;
  if (!pool) throw new Error('the app is not on Postgres');

  const [tenant] = await Promise.all([seedBenchTenant(services.db, 'bench-http-a', flags.users), seedBenchTenant(services.db, 'bench-http-b', flags.users)]);
  const userId = tenant!.userIds[Math.floor(tenant!.userIds.length / 2)] ?? tenant!.ownerId;
  const appUrl = `http://127.0.0.1:${app.http.port}`;
  const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${appUrl}/trpc` })] });
  const { accessToken } = await trpc.auth.login.mutate({ tenant: tenant!.slug, email: tenant!.ownerEmail, password: BENCH_PASSWORD });

  const raw = await startRawServer(services, pool);
  onCleanup(() => new Promise<void>((resolve) => raw.close(() => resolve())));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  const input = `?input=${encodeURIComponent(JSON.stringify({ id: userId }))}`;
  const targets = [
    { name: 'trpc', url: `${appUrl}/trpc/users.get${input}` },
    { name: 'raw', url: `${rawUrl}/users.get${input}` },
    { name: 'raw-rls', url: `${rawUrl}/rls/users.get${input}` },
  ];

  // Correctness first: every target answers 200 with the same body, and it is the right user.
  const bodies = await Promise.all(
    targets.map(async ({ name, url }) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${name} answered ${response.status}: ${body}`);
      return body;
    }),
  );
  const expected = JSON.parse(bodies[0]!) as { result: { data: { id: string; role: string } } };
  if (expected.result.data.id !== userId || expected.result.data.role !== 'agent') throw new Error(`trpc returned the wrong user: ${bodies[0]}`);
  for (const [i, body] of bodies.entries()) {
    if (!isDeepStrictEqual(JSON.parse(body), expected)) throw new Error(`${targets[i]!.name} body differs from trpc:\n${body}\n${bodies[0]}`);
  }
  const expectedBody = bodies[0]!;
  console.log(`user ${userId} of ${tenant!.slug}; ${flags.connections} connections, ${flags.rounds} × ${flags.duration} s per target`);

  for (const target of targets) await autocannon(target.url, accessToken, expectedBody, flags.warmup);
  const runs: Array<{ target: string; round: number; reqPerSec: number; p50: number; p99: number; max: number; serverCpuPct: number; serverCpuUsPerReq: number; failures: number }> = [];
  for (let round_ = 1; round_ <= flags.rounds; round_ += 1) {
    for (const target of round_ % 2 === 1 ? targets : [...targets].reverse()) {
      const cpuBefore = process.cpuUsage();
      const result = await autocannon(target.url, accessToken, expectedBody, flags.duration);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuUs = cpu.user + cpu.system;
      const ok = result['2xx'];
      const failures = result.non2xx + result.errors + result.timeouts + result.mismatches;
      runs.push({
        target: target.name,
        round: round_,
        reqPerSec: round(ok / result.duration, 0),
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        serverCpuPct: round((cpuUs / 1e6 / result.duration) * 100, 0),
        serverCpuUsPerReq: round(cpuUs / Math.max(1, ok), 0),
        failures,
      });
      if (failures > 0) {
        printTable(runs);
        throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} wrong bodies`);
      }
    }
  }

  const mean = (name: string, key: 'reqPerSec' | 'p50' | 'p99' | 'serverCpuUsPerReq') => {
    const mine = runs.filter((run) => run.target === name);
    return round(mine.reduce((sum, run) => sum + run[key], 0) / mine.length, 1);
  };
  const summary = targets.map(({ name }) => ({
    target: name,
    'req/s': mean(name, 'reqPerSec'),
    'p50 ms': mean(name, 'p50'),
    'p99 ms': mean(name, 'p99'),
    'server CPU µs/req': mean(name, 'serverCpuUsPerReq'),
    'vs raw': round(mean(name, 'reqPerSec') / mean('raw', 'reqPerSec'), 2),
  }));
  const ratio = round(mean('trpc', 'reqPerSec') / mean('raw', 'reqPerSec'), 3);
  console.log('\nruns (server CPU = this process: app + raw server; autocannon runs in a child)');
  printTable(runs);
  console.log('\nmean over rounds');
  printTable(summary);
  const meets = ratio >= TARGET_RATIO;
  console.log(`\ntRPC/raw throughput ratio: ${ratio} (target ≥ ${TARGET_RATIO}: ${meets ? 'met' : 'NOT met'})`);
  const file = writeResult('http-query.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags: { duration: flags.duration, connections: flags.connections, rounds: flags.rounds, warmup: flags.warmup, users: flags.users },
    ratio,
    targetRatio: TARGET_RATIO,
    meetsTarget: meets,
    summary,
    runs,
  });
  console.log(`wrote ${file}`);
  return 0;
});
