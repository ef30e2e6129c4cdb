import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { PGLITE_EXTENSIONS, type DatabaseTarget } from '../../src/db/database';
import type { DB } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant-scope';
import { findRoleByKey } from '../../src/domains/identity/roles';
import { createTenant } from '../../src/domains/identity/tenants';
import { hashPassword } from '../../src/platform/auth/passwords';
import type { ModuleName } from '../../src/platform/modules';
import type { Services } from '../../src/services';
import { appRouter } from '../../src/trpc/app-router';
import { createInnerContext } from '../../src/trpc/context';
import { createCallerFactory } from '../../src/trpc/init';
import { serverBuildStaleReason } from '../build-server.mjs';

/** Shared pieces of the benchmark scripts: flags, bench databases, samples, tables, cleanup. */

const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-signing';
export const BENCH_PASSWORD = 'bench password 123';
/** The app's environment in both benches (plus DATABASE_URL, PORT and, for several instances, REDIS_URL). */
export const BENCH_APP_ENV = {
  NODE_ENV: 'production',
  // The benches' n8n and callback URLs point at 127.0.0.1, which production refuses otherwise.
  OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  JOBS_ENABLED: 'false',
  DEMO_TENANT: 'false',
  JWT_SECRET: BENCH_JWT_SECRET,
  SECRETS_KEY: 'bench-secrets-key-that-is-long-enough-to-derive',
  ACCESS_TOKEN_TTL_SECONDS: '3600', // the longest allowed, so no token expires mid-run
  // One load generator on one address with one token: measured, not throttled.
  WEBHOOKS_MAX_REQUESTS_PER_IP: '100000000',
  WEBHOOKS_MAX_REQUESTS_PER_CREDENTIAL: '100000000',
  EXTERNAL_API_MAX_REQUESTS_PER_IP: '100000000',
  EXTERNAL_API_MAX_REQUESTS_PER_TOKEN: '100000000',
};
/** The server where the scripts create and drop their `balcao_bench*` databases. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function assertBenchName(name: string): void {
  if (!/^balcao_bench\w*$/.test(name)) throw new Error(`refusing to touch database ${name}: not a balcao_bench* database`);
}

export async function recreateDatabase(name: string): Promise<string> {
  assertBenchName(name);
  await admin(async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
  return databaseUrl(name);
}

/**
 * A pool that reads as the tables' owner, for the benches' own checks across tenants: the app's
 * pool runs as app_rls and sees no tenant row outside withTenant. Closed at exit.
 */
export function ownerPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  onCleanup(() => pool.end());
  return pool;
}

/**
 * A bare-SQL floor's own pg pool, closed at cleanup. Its connections open before timing, as the
 * app's are open by then; a connection cut under it (the bench database dropped by another run)
 * fails that query, not the process.
 */
export async function openFloorPool(url: string, size: number, options?: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: size, ...(options ? { options } : {}) });
  pool.on('error', (error) => console.error(`floor connection: ${error.message}`));
  onCleanup(() => (pool.ended ? undefined : pool.end()));
  await Promise.all(Array.from({ length: size }, () => pool.query('select 1')));
  return pool;
}

/**
 * `begin`, then `work` on one connection of `pool`, then `commit` (`rollback` when it fails). With
 * `beginWith` (a statement without parameters), begin and it go to the server as one message (pg sends
 * a query without parameters as a simple query, which may hold several statements).
 */
export async function inPoolTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, beginWith?: string): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(beginWith ? `begin; ${beginWith}` : 'begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  assertBenchName(name);
  await admin((client) => client.query(`drop database if exists ${name} with (force)`));
}

export async function databaseExists(name: string): Promise<boolean> {
  assertBenchName(name);
  return admin(async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

export interface BenchTenant {
  tenantId: string;
  slug: string;
  ownerId: string;
  ownerEmail: string;
  /** The extra users (role agent), in creation order. */
  userIds: string[];
}

/** A tenant through createTenant, plus `users` agents inserted in one statement (one password hash for all). */
export async function seedBenchTenant(db: Kysely<DB>, slug: string, users: number, modules: ModuleName[] = []): Promise<BenchTenant> {
  const ownerEmail = `owner@${slug}.bench`;
  const created = await createTenant(db, {
    slug,
    name: `Bench ${slug}`,
    modules,
    owner: { email: ownerEmail, name: 'Bench Owner', password: BENCH_PASSWORD },
  });
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const userIds = await withTenant(db, created.tenantId, async (trx) => {
    if (users === 0) return [];
    const role = await findRoleByKey(trx, 'agent');
    const rows = Array.from({ length: users }, (_, i) => ({
      tenant_id: created.tenantId,
      email: `user${String(i).padStart(5, '0')}@${slug}.bench`,
      name: `Bench User ${i}`,
      password_hash: passwordHash,
      role_id: role.id,
    }));
    const inserted = await trx.insertInto('users').values(rows).returning(['id', 'email']).execute();
    return inserted.sort((a, b) => a.email.localeCompare(b.email)).map((row) => row.id);
  });
  return { ...created, ownerEmail, userIds };
}

const createCaller = createCallerFactory(appRouter);

/** A server-side tRPC caller acting as a user, with a real signed access token (what the dashboard's calls run, minus HTTP). */
export async function callerAs(services: Services, user: { tenantId: string; userId: string }) {
  const { token } = await services.signer.sign({ tenantId: user.tenantId, userId: user.userId, sessionId: crypto.randomUUID() });
  const claims = await services.signer.verify(token);
  return createCaller(createInnerContext(services, { auth: { kind: 'user', claims } }));
}

/** Number flags plus --keep and --help; prints `help` and exits on --help or a bad flag. */
export function parseFlags<K extends string, B extends string = never>(
  help: string,
  defaults: Record<K, number>,
  booleans: readonly B[] = [],
): Record<K, number> & Record<B | 'keep', boolean> {
  const options = Object.fromEntries(Object.keys(defaults).map((key) => [key, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    const switches = Object.fromEntries([...booleans, 'keep'].map((key) => [key, { type: 'boolean' as const }]));
    ({ values } = parseArgs({ options: { ...options, ...switches, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${help}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const parsed = { ...defaults, ...Object.fromEntries([...booleans, 'keep'].map((key) => [key, Boolean(values[key])])) } as Record<
    K,
    number
  > &
    Record<B | 'keep', boolean>;
  for (const key of Object.keys(defaults) as K[]) {
    const raw = values[key];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      console.error(`--${key} must be a positive number, got ${String(raw)}\n\n${help}`);
      process.exit(2);
    }
    (parsed as Record<string, number>)[key] = value;
  }
  return parsed;
}

/** Growable latency store (ms) with exact percentiles. */
export class Samples {
  #values = new Float64Array(1024);
  #count = 0;

  add(value: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = value;
  }

  get count(): number {
    return this.#count;
  }

  summary(): { count: number; p50: number; p95: number; p99: number; max: number; mean: number } {
    const sorted = this.#values.slice(0, this.#count).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
    const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
    return { count: this.#count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), mean: round(mean) };
  }
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function printTable(rows: Array<Record<string, string | number>>): void {
  const headers = Object.keys(rows[0] ?? {});
  const widths = headers.map((header) => Math.max(header.length, ...rows.map((row) => String(row[header]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(line(headers));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(headers.map((header) => String(row[header]))));
}

export function writeResult(file: string, data: unknown): string {
  const target = path.resolve('.bench', file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(data, null, 2)}\n`);
  return target;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];

/** Registers cleanup that runs once, in reverse order, on normal end, error or Ctrl-C. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error(`cleanup failed: ${(error as Error).message}`);
    }
  }
}

/** Runs a bench's main, then its cleanups; exit code 1 on a thrown error, 130 on SIGINT/SIGTERM. */
export function runBench(main: () => Promise<number>): void {
  let exiting = false;
  const finish = async (code: number) => {
    if (exiting) return;
    exiting = true;
    await runCleanups();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void finish(130));
  main().then(
    (code) => finish(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      void finish(1);
    },
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime+stime and cutime+cstime (reaped children) of a process, in ticks, from /proc (Linux only). */
function readProcStat(pid: number | 'self'): { comm: string; ticks: number; childTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { comm, ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  busy: number;
  total: number;
  ticks: Record<string, number>;
}

/**
 * CPU counters for a run: the named processes, this process's reaped children (`children`:
 * e.g. autocannon), every `postgres` and `redis-server` process, kernel interrupts, and the whole machine.
 */
export function cpuSnapshot(pids: Record<string, number>): CpuSnapshot {
  const ticks: Record<string, number> = { children: readProcStat('self')?.childTicks ?? 0, postgres: 0, redis: 0 };
  for (const [name, pid] of Object.entries(pids)) ticks[name] = readProcStat(pid)?.ticks ?? 0;
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const stat = readProcStat(Number(entry));
    if (stat?.comm === 'postgres') ticks.postgres! += stat.ticks;
    if (stat?.comm === 'redis-server') ticks.redis! += stat.ticks;
  }
  const values = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  ticks.interrupts = (values[5] ?? 0) + (values[6] ?? 0); // irq + softirq: loopback TCP work the kernel charges to no process
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total, ticks };
}

/** Cores used per group between two snapshots; `other` is whatever else ran on the machine. */
export function cpuCores(before: CpuSnapshot, after: CpuSnapshot, seconds: number): Record<string, number> {
  const cores: Record<string, number> = {};
  let ours = 0;
  for (const name of Object.keys(after.ticks)) {
    const used = Math.max(0, after.ticks[name]! - (before.ticks[name] ?? 0)) / CLOCK_TICKS;
    ours += used;
    cores[name] = round(used / seconds, 2);
  }
  cores.other = round(Math.max(0, (after.busy - before.busy) / CLOCK_TICKS - ours) / seconds, 2);
  cores.machineBusyPct = round(((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100, 0);
  return cores;
}

/** Waits (up to `maxSeconds`) for other work on the machine to settle, so runs are not shared with it. */
export async function waitForQuietMachine(maxSeconds = 60, thresholdPct = 20): Promise<number> {
  let busy = 100;
  for (const startedAt = Date.now(); Date.now() - startedAt < maxSeconds * 1000;) {
    const before = cpuSnapshot({});
    await sleep(2_000);
    busy = cpuCores(before, cpuSnapshot({}), 2).machineBusyPct!;
    if (busy <= thresholdPct) return busy;
  }
  console.warn(`warning: the machine is still ${busy}% busy with other work; figures will be low and noisy`);
  return busy;
}

/**
 * Samples, every `intervalMs`, what the database's client backends are doing (pg_stat_activity:
 * running, waiting on a lock, idle in a transaction while the app works…) and how many callers
 * wait for a connection of the app's pool. `stop()` gives the mean count per state.
 */
export function sampleDatabaseWaits(
  url: string,
  appPool: pg.Pool | undefined,
  intervalMs = 100,
): { stop(): Promise<Array<{ state: string; 'mean backends': number }>> } {
  const client = new pg.Client({ connectionString: url });
  const totals = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string; n: string }>(
        `select coalesce(state, '?') || coalesce(' · ' || wait_event_type || ':' || wait_event, '') as state, count(*) as n
         from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid() group by 1`,
      );
      for (const row of rows) totals.set(row.state, (totals.get(row.state) ?? 0) + Number(row.n));
      if (appPool)
        totals.set(
          '(app pool: callers waiting for a connection)',
          (totals.get('(app pool: callers waiting for a connection)') ?? 0) + appPool.waitingCount,
        );
      samples += 1;
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      return [...totals.entries()]
        .map(([state, total]) => ({ state, 'mean backends': round(total / Math.max(1, samples), 2) }))
        .sort((a, b) => b['mean backends'] - a['mean backends']);
    },
  };
}

/**
 * Runs a load script in its own process (so the load never shares the app's event loop), with
 * its config as JSON on the command line; its last line of output is its JSON result.
 */
export function runLoadProcess<Config, Result>(script: string, config: Config): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop()!) as Result);
    });
  });
}

/**
 * Ties a child process to this bench: killed if this process exits, stopped (SIGTERM, then SIGKILL
 * after 5 s) at cleanup. Returns that stop, for stopping it earlier.
 */
export function stoppedWithBench(child: ChildProcess): () => Promise<void> {
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const stop = async () => {
    process.off('exit', killNow);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(5_000).then(() => 'timeout')])) === 'timeout') killNow();
  };
  onCleanup(stop);
  return stop;
}

export interface AppProcess {
  name: string;
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s (also done at cleanup); a PGlite bench stops the app before its own checks. */
  stop(): Promise<void>;
}

/**
 * The app as `npm start` runs it (appEntry(): dist/main.js, or src/main.ts through tsx while the
 * compiled build is not current) in a child process on the bench database and
 * REDIS_URL, so the load this process makes never shares the server's event loop; `env` adds to
 * BENCH_APP_ENV. Stopped at cleanup (SIGTERM, then SIGKILL after 5 s).
 */
export async function startAppProcess(
  name: string,
  database: string | BenchDatabase,
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const port = await freePort();
  const databaseEnv = typeof database === 'string' ? { DATABASE_URL: database } : appDatabaseEnv(database);
  const childEnv = { ...process.env, ...BENCH_APP_ENV, ...databaseEnv, REDIS_URL, PORT: String(port), ...env };
  const nodeArgs = (process.env.BENCH_INSTANCE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...appEntry()], {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = stoppedWithBench(child);
  const url = `http://127.0.0.1:${port}`;
  for (const startedAt = Date.now(); Date.now() - startedAt < 60_000; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { name, url, process: child, stop };
  }
  throw new Error(`instance ${name} not ready within 60 s`);
}

/** Which engine a bench ran on: the Postgres server, or the embedded default (PGlite in the app's process). */
export type BenchDatabaseKind = 'postgres' | 'pglite';

/**
 * A bench's headline: its figure next to a baseline measured in the same run. The ratio always
 * reads "how close to the baseline" (1 = as good as it): figure/baseline when higher is better
 * (req/s), baseline/figure when lower is better (latency).
 */
export interface BenchSummary {
  /** The bench's name as in `npm run bench:<name>`. */
  bench: string;
  database: BenchDatabaseKind;
  figure: { name: string; value: number; unit: string };
  baseline: { name: string; value: number };
  better: 'higher' | 'lower';
  /** On the ratio (e.g. ≥ 0.7) or on the figure itself (e.g. p99 < 20 ms). */
  target: { on: 'ratio' | 'figure'; op: '≥' | '<'; value: number };
  /** More than a quarter of a core used by other work during the run: low and noisy figures. */
  noisy?: boolean;
  /** Anything the reader needs beside the headline (checks held, what else the run measured). */
  note?: string;
}

export interface BenchSummaryLine extends BenchSummary {
  ratio: number;
  met: boolean;
  at: string;
}

const formatNumber = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 });

/** The ratio and whether the target is met, from a summary. */
export function judge(summary: BenchSummary): { ratio: number; met: boolean } {
  const { figure, baseline, better, target } = summary;
  const ratio = round(better === 'higher' ? figure.value / baseline.value : baseline.value / figure.value, 3);
  const measured = target.on === 'ratio' ? ratio : figure.value;
  return { ratio, met: target.op === '≥' ? measured >= target.value : measured < target.value };
}

/**
 * Prints the bench's one summary line (`summary · bench · database · figure · baseline · ratio ·
 * target · met`) and appends it to .bench/summary.jsonl, which `npm run bench` reads back.
 */
export function printSummary(summary: BenchSummary): BenchSummaryLine {
  const line: BenchSummaryLine = { ...summary, ...judge(summary), at: new Date().toISOString() };
  const { figure, baseline, target } = summary;
  const targetText = `${target.on === 'ratio' ? 'ratio' : figure.name} ${target.op} ${formatNumber(target.value)}${target.on === 'figure' ? ` ${figure.unit}` : ''}`;
  console.log(
    [
      `summary · ${summary.bench} · ${summary.database}`,
      `${figure.name} ${formatNumber(figure.value)} ${figure.unit}`,
      `baseline ${baseline.name} ${formatNumber(baseline.value)} ${figure.unit}`,
      `ratio ${line.ratio}`,
      `target ${targetText}`,
      line.met ? 'met' : 'NOT met',
      ...(summary.noisy ? ['noisy run'] : []),
    ].join(' · '),
  );
  const file = path.resolve('.bench', 'summary.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(line)}\n`);
  return line;
}

/**
 * Where a bench's app keeps its data: a `balcao_bench*` database on the Postgres server, or the
 * embedded default (PGlite in a data dir of its own, as `npm start` runs without DATABASE_URL).
 */
export type BenchDatabase = { kind: 'postgres'; name: string; url: string } | { kind: 'pglite'; dataDir: string };

/**
 * A fresh bench database of the kind asked for (`--pglite` picks the embedded one), dropped at
 * cleanup unless `keep`. A PGlite data dir is opened by one process at a time: the app, or
 * `openOwnerSql` once the app has stopped.
 */
export async function prepareBenchDatabase(name: string, options: { pglite: boolean; keep: boolean }): Promise<BenchDatabase> {
  if (!options.pglite) {
    const url = await recreateDatabase(name);
    if (!options.keep) onCleanup(() => dropDatabase(name));
    return { kind: 'postgres', name, url };
  }
  const dataDir = path.resolve('.bench', 'pglite', name);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!options.keep) onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  return { kind: 'pglite', dataDir };
}

/** Where the app keeps PGlite's files under its DATA_DIR (src/config.ts): the bench's data dir plus `pglite`. */
const embeddedDataDirOf = (database: { dataDir: string }) => path.join(database.dataDir, 'pglite');

/** The app's environment for a bench database (added to BENCH_APP_ENV by startAppProcess). */
export function appDatabaseEnv(database: BenchDatabase): Record<string, string> {
  return database.kind === 'postgres' ? { DATABASE_URL: database.url } : { DATABASE_URL: '', DATA_DIR: database.dataDir };
}

/** The bootstrap target for an app run inside the bench's own process. */
export function databaseTarget(database: BenchDatabase): DatabaseTarget {
  return database.kind === 'postgres'
    ? { kind: 'postgres', url: database.url, poolSize: 10 }
    : { kind: 'pglite', dataDir: embeddedDataDirOf(database) };
}

/** Plain SQL as the tables' owner, for a bench's own checks across tenants, on either engine. */
export interface OwnerSql {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
  close(): Promise<void>;
}

/** Owner SQL on a bench database; closed at cleanup. On PGlite the app must have stopped first (one process per data dir). */
export async function openOwnerSql(database: BenchDatabase): Promise<OwnerSql> {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const owner: OwnerSql = {
      query: async (text, values) => ({ rows: (await pool.query(text, values)).rows as never[] }),
      close: () => pool.end(),
    };
    onCleanup(() => owner.close().catch(() => undefined));
    return owner;
  }
  const pglite = await PGlite.create({ dataDir: embeddedDataDirOf(database), extensions: PGLITE_EXTENSIONS });
  let closed = false;
  const owner: OwnerSql = {
    query: async (text, values) => ({ rows: (await pglite.query(text, values)).rows as never[] }),
    close: async () => {
      if (closed) return;
      closed = true;
      await pglite.close();
    },
  };
  onCleanup(() => owner.close());
  return owner;
}

/**
 * A CPU profile of this process from now until `save(name)`, which writes
 * .bench/profiles/<name>.cpuprofile (open it in Chrome's DevTools, or summarise it with
 * `npx tsx scripts/bench/profile-summary.ts <file>`).
 */
export async function startCpuProfile(): Promise<{ save(name: string): Promise<string> }> {
  const session = new InspectorSession();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async save(name) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const file = path.resolve('.bench', 'profiles', `${name}.cpuprofile`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

let chosenAppEntry: string[] | undefined;

/**
 * The node arguments that run the app in a bench's child process: the compiled dist/main.js (what
 * `npm start` and the Docker image run) when it is built and nothing that went into it changed
 * since, else src/main.ts through tsx. Chosen once per bench run, and printed.
 */
export function appEntry(): string[] {
  if (!chosenAppEntry) {
    const staleBecause = serverBuildStaleReason();
    chosenAppEntry = staleBecause ? ['--import', 'tsx', 'src/main.ts'] : ['dist/main.js'];
    console.log(
      staleBecause
        ? `app: tsx src/main.ts (the compiled build is not current: ${staleBecause}; npm run build:server compiles it)`
        : 'app: node dist/main.js (the compiled build)',
    );
  }
  return chosenAppEntry;
}
