import { spawn } from 'node:child_process';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { createTRPCClient, httpLink } from '@trpc/client';
import pg from 'pg';
import { createDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { syncBuiltinRoles } from '../../src/domains/identity/roles';
import { countChatPromptTokens } from '../../src/domains/usage/tokens';
import { parseMachineCredential } from '../../src/platform/auth/opaque-tokens';
import type { AppRouter } from '../../src/trpc/app-router';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  databaseTarget,
  openOwnerSql,
  parseFlags,
  prepareBenchDatabase,
  printSummary,
  printTable,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  sleep,
  startAppProcess,
  waitForQuietMachine,
  writeResult,
  type BenchDatabase,
  type OwnerSql,
  stoppedWithBench,
} from './support';

const HELP = `Usage: npm run bench:usage-proxy -- [--quick] [--pglite] [--seconds 10] [--warmup 2] [--connections 32] [--keys 32]
       [--upstream-latency 0] [--real-latency 50] [--real-chunk-delay 5] [--race 200] [--race-fits 10] [--race-max-tokens 200]
       [--race-latency 200] [--rounds 5] [--floor 10] [--pool 10] [--keep]

The LLM proxy (POST /v1/chat/completions) on a fresh database: Postgres (balcao_bench_usage_proxy), or with
--pglite the embedded default (PGlite in a data dir of its own, inside the app's process). This process
migrates it and creates one tenant with the usage module; then the app runs in a child process (tsx
src/main.ts, with Redis); the OpenAI-compatible stub (test/support/openai-upstream.ts) in its own
processes; the load generator (node:http keep-alive, closed loop: each connection sends its next request
when the last one ended) in this process, which does nothing else meanwhile. The
owner logs in over HTTP and, through tRPC, points litellmSettings.baseUrl at the stub (rateLimitPerMinute
100000, burst 100000), creates --keys users with a budget nothing reaches, and a key each (new keys for
every run).

1. Overhead. For each upstream profile — the stub answering after --upstream-latency ms (default 0:
   only the proxy's own CPU shows, on ${availableParallelism()} cores shared by everything) and after
   --real-latency ms with --real-chunk-delay ms between stream chunks (what a real LLM at least takes) —
   and for non-streamed and streamed chat completions: --connections connections for --warmup + --seconds
   s (a) straight to the stub, (b) through the proxy, each connection with its own key (--keys 1: every
   request on one user's ledger row). Reported: req/s, total time p50/p95/p99, for streams the time to
   the first body byte, cores used (app, Postgres, Redis, stub, generator, kernel interrupts), the added
   p50 (proxy − direct) and the throughput ratio (proxy / direct). Targets: ratio ≥ 0.8 and added p50 <
   1 ms. Any answer other than 200 (or a body that is not a whole completion / stream) fails the run.
   With --pglite, the non-streamed run at the first profile is repeated with half the connections until
   its p99 is under 100 ms: the rate the embedded default sustains at that tail.
2. Concurrency, --rounds times: a new user whose budget fits exactly --race-fits requests (monthlyLimit =
   --race-fits × one request's reservation: read from a refused probe's message, and checked against
   src/domains/usage/tokens.ts's count + max_tokens) sends --race requests at once on --race sockets
   (max_tokens --race-max-tokens; the race stub's reply is longer, so each answer uses all of it), to a
   stub answering after --race-latency ms. What is charged is a little under what is held (the stub
   counts the prompt in words, the proxy in tokens), so after the round less than one reservation is
   left: a request that came after others settled could not fit either, and exactly --race-fits pass
   however the 200 interleave (checked: budget − spent < one reservation). Checks (any failure exits 1):
   exactly --race-fits 200s and the rest 429 budget_exceeded; the stub saw exactly --race-fits requests
   (its request counter, read before and after); in the database usage_ledger.plan_spent + grant_spent ≤
   budget + one request's estimation error (the largest charge above the reservation), reserved back at
   0, requests = --race-fits; one usage record per request (--race-fits with 200, the rest 429). The
   database is read after the app has stopped (which writes the records it still holds).
3. The floor: the reservation the proxy makes for every request, as bare SQL from this process — the same
   statement (select * from usage_reserve(key prefix, digest, model, prompt tokens, max_tokens, expiry)),
   --connections callers at once with fresh keys of the same users, for --floor s after a warm-up, on a
   plain pg pool of --pool connections as app_rls (the app's pool), or on the same PGlite data dir —
   against the app's own reservation in the 0 ms non-streamed run: each request's time from its arrival to
   its forwarding (queue_time_ms of its usage record, whole ms: the reservation and the key's request
   limit). Ratio: floor p50 / app p50 (target ≥ 0.5). Then the same reservations grouped as the app sends
   the ones that arrive together (reserveTokensTogether: one statement holding one reservation per caller,
   one statement at a time), for --floor s more. The floor's holds are released afterwards.

One summary line: proxied req/s against the stub called directly (0 ms stub, non-streamed; target ratio
≥ 0.8), with the reservation against its floor, the concurrency rounds and the other profiles in its note.

  --quick             the 0 ms stub and non-streamed only, 1 s warm-up + 3 s per run, 1 concurrency round,
                      2 s per floor, no waiting for a quiet machine (about 30 s in all)
  --pglite            the embedded default instead of Postgres
  --seconds           measured seconds per run (default 10; 3 with --quick)
  --warmup            unmeasured seconds before each run (default 2; 1 with --quick)
  --connections       concurrent connections of the generator, and callers of the floor (default 32)
  --keys              users (one key each) the connections spread over (default 32)
  --upstream-latency  the first profile's stub latency in ms (default 0; only the default can be 0)
  --real-latency      the second profile's stub latency in ms (default 50)
  --real-chunk-delay  the second profile's delay between stream chunks in ms (default 5)
  --race              requests at once per concurrency round (default 200)
  --race-fits         requests the budget fits (default 10)
  --race-max-tokens   max_tokens of a race request (default 200)
  --race-latency      the race stub's latency in ms (default 200: every request is held before any settles)
  --rounds            concurrency rounds (default 5; 1 with --quick)
  --floor             measured seconds of each bare SQL floor (default 10; 2 with --quick)
  --pool              the app's DATABASE_POOL_SIZE and the floor's pool (default 10, the app's default)
  --keep              keep the database (balcao_bench_usage_proxy, or .bench/pglite/balcao_bench_usage_proxy)
Writes .bench/usage-proxy.json (.bench/usage-proxy-pglite.json with --pglite).`;

const DATABASE = 'balcao_bench_usage_proxy';
const SLUG = 'bench-usage-proxy';
const TARGET_ADDED_P50_MS = 1;
const TARGET_RATIO = 0.8;
/** Item 4 of the performance issue: an operation at ≥ 0.5× its bare SQL floor. */
const TARGET_FLOOR_RATIO = 0.5;
/** The tail the embedded default should hold (item 3 of the performance issue). */
const PGLITE_TARGET_P99_MS = 100;
const MODEL = 'gpt-4o-mini';
/** max_tokens of the overhead runs' requests. */
const MAX_TOKENS = 64;
/** A budget nothing in the overhead runs reaches (the largest the settings accept). */
const UNREACHABLE_BUDGET = 1_000_000_000_000;
/** As src/domains/usage/proxy/metered-call.ts holds a reservation (RESERVATION_GRACE_SECONDS). */
const RESERVATION_SECONDS = 15 * 60;
const MESSAGES = [
  { role: 'system', content: 'Você é o assistente de agendamento de uma clínica. Responda em português, com frases curtas.' },
  { role: 'user', content: 'Bom dia! Queria confirmar meu horário de amanhã e saber se preciso levar algum documento.' },
];

// ---------------------------------------------------------------------------------------------
// The load generator (this process, idle otherwise while it runs).

interface LoadConfig {
  url: string;
  body: string;
  stream: boolean;
  /** One Authorization header per connection, round robin (none for the stub). */
  authorizations: string[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Processes whose CPU the generator reads at the start and end of the measured window. */
  pids: Record<string, number>;
}

interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

interface LoadResult {
  seconds: number;
  completed: number;
  statuses: Record<string, number>;
  errors: number;
  /** 200s whose body was not a whole completion (JSON with choices) or a whole stream (ending in [DONE]) */
  badBodies: number;
  samples: string[];
  total: Summary;
  firstByte: Summary;
  cores: Record<string, number>;
}

async function runLoad(config: LoadConfig): Promise<LoadResult> {
  const target = new URL(config.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.connections, keepAliveMsecs: 30_000 });
  const body = Buffer.from(config.body);
  const total = new Samples();
  const firstByte = new Samples();
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  let errors = 0;
  let badBodies = 0;
  let completed = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + config.warmupSeconds * 1000;
  const endsAt = measureFrom + config.seconds * 1000;
  let cpuBefore = cpuSnapshot({ ...config.pids, generator: process.pid });
  const startMeasuring = setTimeout(
    () => (cpuBefore = cpuSnapshot({ ...config.pids, generator: process.pid })),
    config.warmupSeconds * 1000,
  );

  const once = (authorization: string | undefined) =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': body.length };
      if (authorization) headers.authorization = authorization;
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers },
        (response) => {
          let firstAt: number | undefined;
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            firstAt ??= performance.now();
            text += chunk;
          });
          response.once('end', () => {
            const now = performance.now();
            const status = response.statusCode ?? 0;
            const measured = sentAt >= measureFrom && now <= endsAt;
            if (measured) {
              completed += 1;
              statuses[status] = (statuses[status] ?? 0) + 1;
              total.add(now - sentAt);
              firstByte.add((firstAt ?? now) - sentAt);
            }
            const whole = config.stream ? text.endsWith('data: [DONE]\n\n') : text.startsWith('{') && text.includes('"choices"');
            if (status !== 200 || !whole) {
              if (status === 200) badBodies += 1;
              if (samples.length < 5) samples.push(`${status}: ${text.slice(0, 300)}`);
            }
            resolve();
          });
          response.once('error', (error) => {
            errors += 1;
            if (samples.length < 5) samples.push(`response error: ${error.message}`);
            resolve();
          });
        },
      );
      request.once('error', (error) => {
        errors += 1;
        if (samples.length < 5) samples.push(`request error: ${error.message}`);
        resolve();
      });
      request.end(body);
    });

  await Promise.all(
    Array.from({ length: config.connections }, async (_, i) => {
      const authorization = config.authorizations.length > 0 ? config.authorizations[i % config.authorizations.length] : undefined;
      while (performance.now() < endsAt) await once(authorization);
    }),
  );
  const cores = cpuCores(cpuBefore, cpuSnapshot({ ...config.pids, generator: process.pid }), config.seconds);
  clearTimeout(startMeasuring);
  agent.destroy();
  return {
    seconds: config.seconds,
    completed,
    statuses,
    errors,
    badBodies,
    samples,
    total: total.summary(),
    firstByte: firstByte.summary(),
    cores,
  };
}

// ---------------------------------------------------------------------------------------------
// The stub upstream, in its own process.

interface UpstreamProcess {
  url: string;
  pid: number;
  /** How many requests the stub has received so far, read from the id of one more request (GET /v1/models). */
  counter(): Promise<number>;
}

/** Its ids are `<prefix><counter in base 36>`; the very first request (this one) reads counter 1, so the prefix is the rest. */
async function startUpstream(latencyMs: number, chunkDelayMs: number, reply?: string): Promise<UpstreamProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/support/openai-upstream.ts',
      '--port',
      '0',
      '--latency',
      String(latencyMs),
      ...(reply === undefined ? [] : ['--reply', reply]),
      '--chunk-delay',
      String(chunkDelayMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  stoppedWithBench(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.startsWith('http'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the stub upstream exited with ${code} before printing its URL`)));
  });
  const requestId = async () => {
    const response = await fetch(`${url}/models`);
    await response.arrayBuffer();
    return response.headers.get('x-request-id') ?? '';
  };
  const first = await requestId();
  if (!first.endsWith('1')) throw new Error(`the stub's first request id ${first} does not end in counter 1`);
  const prefix = first.slice(0, -1);
  return {
    url,
    pid: child.pid!,
    counter: async () => {
      const id = await requestId();
      if (!id.startsWith(prefix)) throw new Error(`stub request id ${id} does not start with ${prefix}`);
      return parseInt(id.slice(prefix.length), 36);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One burst of simultaneous requests (the concurrency rounds), each on its own socket.

interface Answer {
  status: number;
  code: string | null;
  text: string;
  answeredAt: number;
}

async function burst(url: string, authorization: string, body: string, count: number): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count });
  const target = new URL(url);
  const payload = Buffer.from(body);
  try {
    return await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<Answer>((resolve, reject) => {
            const request = http.request(
              {
                host: target.hostname,
                port: target.port,
                path: target.pathname,
                method: 'POST',
                agent,
                headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization },
              },
              (response) => {
                let text = '';
                response.setEncoding('utf8');
                response.on('data', (chunk: string) => (text += chunk));
                response.once('end', () => {
                  let code: string | null = null;
                  try {
                    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
                  } catch {
                    // not JSON: no code
                  }
                  resolve({ status: response.statusCode ?? 0, code, text, answeredAt: performance.now() });
                });
                response.once('error', reject);
              },
            );
            request.once('error', reject);
            request.end(payload);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The floor: the proxy's reservation as bare SQL, in this process.

interface FloorResult {
  seconds: number;
  completed: number;
  /** Answers other than 'reserved' (none expected: the users' budget is out of reach). */
  refused: number;
  latency: Summary;
  cores: Record<string, number>;
}

/** The statement reserveTokens (src/domains/usage/ledger.ts) sends for each proxied request. */
const RESERVE_STATEMENT = `select * from usage_reserve($1, $2, $3, $4::integer, $5::integer, $6::integer)`;

/** reserveTokensTogether's statement (src/domains/usage/ledger.ts): the app's reservations that arrive together, in one statement. */
const RESERVE_GROUP_STATEMENT = `select a.position, r.* from unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[], $6::integer[])
  with ordinality as a(prefix, digest, model, prompt_tokens, completion_tokens, expires_in, position)
  cross join lateral usage_reserve(a.prefix, a.digest, a.model, a.prompt_tokens, a.completion_tokens, a.expires_in) r
  order by a.position`;

type FloorQuery = (text: string, values: unknown[]) => Promise<{ rows: Array<{ outcome: string }> }>;

/**
 * `callers` loops for `seconds` after `warmupSeconds`: one at a time, each reservation its own
 * statement; grouped, one statement at a time holding one reservation per caller (every caller
 * waits for it, as the app's requests wait for their group).
 */
async function runReserveFloor(
  query: FloorQuery,
  keys: ReadonlyArray<{ prefix: string; digest: string }>,
  options: { callers: number; warmupSeconds: number; seconds: number; promptTokens: number; grouped: boolean },
): Promise<FloorResult> {
  const latency = new Samples();
  let completed = 0;
  let refused = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupSeconds * 1000;
  const endsAt = measureFrom + options.seconds * 1000;
  let cpuBefore = cpuSnapshot({ bench: process.pid });
  const startMeasuring = setTimeout(() => (cpuBefore = cpuSnapshot({ bench: process.pid })), options.warmupSeconds * 1000);
  const valuesOf = (key: { prefix: string; digest: string }) => [
    key.prefix,
    key.digest,
    MODEL,
    options.promptTokens,
    MAX_TOKENS,
    RESERVATION_SECONDS,
  ];
  const loop = async (statement: string, values: unknown[], reservations: number) => {
    while (performance.now() < endsAt) {
      const sentAt = performance.now();
      const { rows } = await query(statement, values);
      const now = performance.now();
      if (sentAt >= measureFrom && now <= endsAt) {
        completed += reservations;
        for (let i = 0; i < reservations; i += 1) latency.add(now - sentAt);
        refused += rows.filter((row) => row.outcome !== 'reserved').length;
      }
    }
  };
  if (options.grouped) {
    const columns = Array.from({ length: options.callers }, (_, i) => valuesOf(keys[i % keys.length]!));
    await loop(
      RESERVE_GROUP_STATEMENT,
      [0, 1, 2, 3, 4, 5].map((column) => columns.map((values) => values[column])),
      options.callers,
    );
  } else await Promise.all(Array.from({ length: options.callers }, (_, i) => loop(RESERVE_STATEMENT, valuesOf(keys[i % keys.length]!), 1)));
  clearTimeout(startMeasuring);
  const cores = cpuCores(cpuBefore, cpuSnapshot({ bench: process.pid }), options.seconds);
  return { seconds: options.seconds, completed, refused, latency: latency.summary(), cores };
}

/** The floor on the bench database: a pool like the app's on Postgres, the data dir itself on PGlite (the app has stopped). */
async function reserveFloor(
  database: BenchDatabase,
  owner: OwnerSql,
  flags: Flags,
  keys: ReadonlyArray<{ prefix: string; digest: string }>,
  grouped: boolean,
): Promise<FloorResult> {
  const options = {
    callers: flags.connections,
    warmupSeconds: Math.min(0.5, flags.warmup),
    seconds: flags.floor,
    promptTokens: countChatPromptTokens(MODEL, MESSAGES),
    grouped,
  };
  if (database.kind === 'pglite') return runReserveFloor((text, values) => owner.query(text, values), keys, options);
  const pool = new pg.Pool({ connectionString: database.url, max: flags.pool, options: '-c role=app_rls' });
  try {
    return await runReserveFloor((text, values) => pool.query(text, values), keys, options);
  } finally {
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------

type Flags = Record<
  | 'seconds'
  | 'warmup'
  | 'connections'
  | 'keys'
  | 'upstream-latency'
  | 'real-latency'
  | 'real-chunk-delay'
  | 'race'
  | 'race-fits'
  | 'race-max-tokens'
  | 'race-latency'
  | 'rounds'
  | 'floor'
  | 'pool',
  number
> & { quick: boolean; pglite: boolean; keep: boolean };

/** Migrates the bench database and creates the tenant from this process, before the app opens it (one process per PGlite data dir). */
async function seedDatabase(database: BenchDatabase) {
  const seeding = await createDatabase(databaseTarget(database));
  try {
    await migrateToLatest(seeding);
    await syncBuiltinRoles(seeding.db);
    return await seedBenchTenant(seeding.db, SLUG, 0, ['usage']);
  } finally {
    await seeding.close();
  }
}

const percentOf = (sorted: number[], q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

async function main(flags: Flags): Promise<number> {
  const database = await prepareBenchDatabase(DATABASE, { pglite: flags.pglite, keep: flags.keep });
  const engine = database.kind;
  const profiles = [
    { name: `stub ${flags['upstream-latency']} ms`, latency: flags['upstream-latency'], chunkDelay: 0 },
    { name: `stub ${flags['real-latency']} ms`, latency: flags['real-latency'], chunkDelay: flags['real-chunk-delay'] },
  ].slice(0, flags.quick ? 1 : 2);
  const modes = flags.quick ? (['json'] as const) : (['json', 'stream'] as const);
  const [upstreams, raceUpstream, tenant] = await Promise.all([
    Promise.all(profiles.map((profile) => startUpstream(profile.latency, profile.chunkDelay))),
    // A reply longer than max_tokens: every race answer is cut at max_tokens, as held.
    startUpstream(flags['race-latency'], 0, Array.from({ length: flags['race-max-tokens'] + 50 }, (_, i) => `palavra${i % 10}`).join(' ')),
    seedDatabase(database),
  ]);
  const app = await startAppProcess('app', database, {
    DATABASE_POOL_SIZE: String(flags.pool),
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    // Each concurrency round answers 190 refusals, which the request log writes at warn.
    LOG_LEVEL: 'error',
  });

  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${app.url}/trpc`, headers: token ? { authorization: `Bearer ${token}` } : {} })],
    });
  const { accessToken } = await client().auth.login.mutate({ tenant: tenant.slug, email: tenant.ownerEmail, password: BENCH_PASSWORD });
  const owner = client(accessToken);
  const pointAt = (upstreamUrl: string) =>
    owner.usage.settings.update.mutate({
      maxUserLimit: UNREACHABLE_BUDGET,
      minUserLimit: 0,
      securitySettings: { rateLimitPerMinute: 100_000, rateLimitBurst: 100_000 },
      litellmSettings: { baseUrl: upstreamUrl },
    });
  await pointAt(upstreams[0]!.url);
  const users = await Promise.all(
    Array.from({ length: flags.keys }, (_, i) =>
      owner.usage.users.create.mutate({ email: `llm${i}@bench-usage.bench`, name: `LLM ${i}`, monthlyLimit: UNREACHABLE_BUDGET }),
    ),
  );
  const freshKeys = async () =>
    Promise.all(users.map(async (user) => `Bearer ${(await owner.usage.keys.create.mutate({ userId: user.id })).key}`));

  const chatBody = JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: MAX_TOKENS });
  const streamBody = JSON.stringify({
    model: MODEL,
    messages: MESSAGES,
    max_tokens: MAX_TOKENS,
    stream: true,
    stream_options: { include_usage: true },
  });

  // Correctness first: one request of each kind through the proxy answers what the stub answers.
  const probeKey = `Bearer ${(await owner.usage.keys.create.mutate({ userId: users[0]!.id })).key}`;
  for (const [kind, body] of [
    ['json', chatBody],
    ['stream', streamBody],
  ] as const) {
    const [answer] = await burst(`${app.url}/v1/chat/completions`, probeKey, body, 1);
    const whole = kind === 'stream' ? answer!.text.endsWith('data: [DONE]\n\n') : answer!.text.includes('"choices"');
    if (answer!.status !== 200 || !whole) throw new Error(`proxy ${kind} probe: ${answer!.status} ${answer!.text.slice(0, 500)}`);
  }

  console.log(
    `${engine}; app ${app.url} (pool ${flags.pool}); stubs ${upstreams.map((upstream, i) => `${profiles[i]!.name} ${upstream.url}`).join(', ')}; ` +
      `${flags.connections} connections over ${flags.keys} keys, ${flags.warmup} s warm-up + ${flags.seconds} s per run`,
  );
  const quiet = flags.quick ? null : await waitForQuietMachine();

  // ---- 1. overhead ----
  type Run = {
    profile: string;
    mode: 'json' | 'stream';
    target: 'direct' | 'proxy';
    connections: number;
    /** The keys' lookup prefixes (their usage records carry the app's own timings). */
    prefixes: string[];
    result: LoadResult;
  };
  const runs: Run[] = [];
  const failures: string[] = [];
  const measure = async (run: Omit<Run, 'result' | 'prefixes'>, upstreamIndex: number): Promise<LoadResult> => {
    const upstream = upstreams[upstreamIndex]!;
    const authorizations = run.target === 'direct' ? [] : await freshKeys();
    const config: LoadConfig = {
      url: run.target === 'direct' ? `${upstream.url}/chat/completions` : `${app.url}/v1/chat/completions`,
      body: run.mode === 'json' ? chatBody : streamBody,
      stream: run.mode === 'stream',
      authorizations,
      connections: run.connections,
      warmupSeconds: flags.warmup,
      seconds: flags.seconds,
      pids: { app: app.process.pid!, stub: upstream.pid },
    };
    if (!flags.quick) await waitForQuietMachine(30);
    console.log(`${run.profile}, ${run.mode}, ${run.target}, ${run.connections} connections…`);
    const result = await runLoad(config);
    const prefixes = authorizations.map((authorization) => parseMachineCredential(authorization.slice('Bearer '.length))!.prefix);
    runs.push({ ...run, prefixes, result });
    const notOk = Object.entries(result.statuses)
      .filter(([status]) => status !== '200')
      .reduce((sum, [, count]) => sum + count, 0);
    if (notOk + result.errors + result.badBodies > 0)
      failures.push(
        `${run.profile} ${run.mode} ${run.target} (${run.connections} connections): ${JSON.stringify(result.statuses)}, ${result.errors} errors, ` +
          `${result.badBodies} bad bodies; ${result.samples.join(' | ')}`,
      );
    return result;
  };
  for (const [index, profile] of profiles.entries()) {
    await pointAt(upstreams[index]!.url);
    for (const mode of modes)
      for (const target of ['direct', 'proxy'] as const)
        await measure({ profile: profile.name, mode, target, connections: flags.connections }, index);
  }
  const find = (profile: string, mode: 'json' | 'stream', target: 'direct' | 'proxy', connections = flags.connections) =>
    runs.find((run) => run.profile === profile && run.mode === mode && run.target === target && run.connections === connections)!;
  const headlineProxy = find(profiles[0]!.name, 'json', 'proxy');
  const headlineDirect = find(profiles[0]!.name, 'json', 'direct');

  // The embedded default: fewer connections until the tail is under PGLITE_TARGET_P99_MS.
  let sustained: { connections: number; perSecond: number; p99: number } | null = null;
  if (engine === 'pglite') {
    await pointAt(upstreams[0]!.url);
    let last = headlineProxy.result;
    let connections = flags.connections;
    while (last.total.p99 >= PGLITE_TARGET_P99_MS && connections > 1) {
      connections = Math.max(1, Math.floor(connections / 2));
      last = await measure({ profile: profiles[0]!.name, mode: 'json', target: 'proxy', connections }, 0);
    }
    if (last.total.p99 < PGLITE_TARGET_P99_MS)
      sustained = { connections, perSecond: round(last.completed / last.seconds, 0), p99: round(last.total.p99) };
  }

  // ---- 2. the concurrency guarantee ----
  await pointAt(raceUpstream.url);
  const raceBody = JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: flags['race-max-tokens'] });
  const computed = countChatPromptTokens(MODEL, MESSAGES) + flags['race-max-tokens'];
  // A user with no budget: the refusal names what one request holds.
  const nobody = await owner.usage.users.create.mutate({ email: 'sem-saldo@bench-usage.bench', name: 'Sem saldo', monthlyLimit: 0 });
  const nobodyKey = `Bearer ${(await owner.usage.keys.create.mutate({ userId: nobody.id })).key}`;
  const [refusal] = await burst(`${app.url}/v1/chat/completions`, nobodyKey, raceBody, 1);
  const reservation = Number(/precisa de (\d+) tokens/.exec(refusal!.text)?.[1] ?? Number.NaN);
  if (refusal!.status !== 429 || reservation !== computed)
    throw new Error(`reservation probe: ${refusal!.status} ${refusal!.text} (computed ${computed} = prompt + max_tokens)`);
  const budget = flags['race-fits'] * reservation;
  console.log(
    `concurrency: ${flags.rounds} rounds of ${flags.race} requests at once; one request holds ${reservation} tokens, budget ${budget} (fits ${flags['race-fits']})`,
  );
  const rounds: Array<{ userId: string; answers: Answer[]; seen: number; sentAt: number; reservedLeft: number }> = [];
  for (let roundNumber = 1; roundNumber <= flags.rounds; roundNumber += 1) {
    const user = await owner.usage.users.create.mutate({
      email: `race${roundNumber}@bench-usage.bench`,
      name: `Corrida ${roundNumber}`,
      monthlyLimit: budget,
    });
    const key = `Bearer ${(await owner.usage.keys.create.mutate({ userId: user.id })).key}`;
    const seenBefore = await raceUpstream.counter();
    const sentAt = performance.now();
    const answers = await burst(`${app.url}/v1/chat/completions`, key, raceBody, flags.race);
    const seen = (await raceUpstream.counter()) - seenBefore - 1;
    // Settling happens after the answer: wait until nothing is held (the app's own view of the ledger).
    let reservedLeft = Number.NaN;
    for (const waitUntil = Date.now() + 15_000; Date.now() < waitUntil; await sleep(100)) {
      reservedLeft = (await owner.usage.users.get.query({ id: user.id })).reservedTokens;
      if (reservedLeft === 0) break;
    }
    rounds.push({ userId: user.id, answers, seen, sentAt, reservedLeft });
  }
  // The floor's keys, created while the app still answers.
  const floorKeys = (await freshKeys()).map((authorization) => parseMachineCredential(authorization.slice('Bearer '.length))!);

  // ---- the app stops (its recorder writes what it holds); the database is read from here on ----
  await app.stop();
  const sqlOwner = await openOwnerSql(database);

  const raceRows = [];
  let raceFailures = 0;
  for (const [index, { userId, answers, seen, sentAt, reservedLeft }] of rounds.entries()) {
    const ok = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429 && answer.code === 'budget_exceeded');
    const other = answers.length - ok.length - refused.length;
    const lastRefusalAt = Math.max(...refused.map((answer) => answer.answeredAt));
    const firstSuccessAt = Math.min(...ok.map((answer) => answer.answeredAt));
    const ledger = (
      await sqlOwner.query<{ spent: string; reserved: string; requests: number }>(
        `select plan_spent + grant_spent as spent, reserved, requests from usage_ledger where user_id = $1`,
        [userId],
      )
    ).rows[0];
    const records = (
      await sqlOwner.query<{ status_code: number; n: number; max_total: number }>(
        `select status_code, count(*)::int as n, max(total_tokens)::int as max_total from usage_records where user_id = $1 group by 1 order by 1`,
        [userId],
      )
    ).rows;
    const spent = Number(ledger?.spent ?? Number.NaN);
    const maxCharge = records.find((row) => row.status_code === 200)?.max_total ?? 0;
    const allowedError = Math.max(0, maxCharge - reservation);
    const recordsOk = records.find((row) => row.status_code === 200)?.n ?? 0;
    const records429 = records.find((row) => row.status_code === 429)?.n ?? 0;
    const checks = {
      '200s': ok.length === flags['race-fits'],
      '429s': refused.length === flags.race - flags['race-fits'] && other === 0,
      stub: seen === flags['race-fits'],
      spend: spent <= budget + allowedError,
      leftover: budget - spent < reservation,
      reserved: Number(ledger?.reserved ?? -1) === 0 && reservedLeft === 0,
      requests: ledger?.requests === flags['race-fits'],
      records: recordsOk === flags['race-fits'] && records429 === flags.race - flags['race-fits'] && records.length === 2,
    };
    const passed = Object.values(checks).every(Boolean);
    if (!passed) raceFailures += 1;
    raceRows.push({
      round: index + 1,
      '200 OK': ok.length,
      '429 budget_exceeded': refused.length,
      other,
      'stub saw': seen,
      'spent (db)': spent,
      budget,
      'spent − budget': spent - budget,
      'allowed over': allowedError,
      'left < 1 reservation': budget - spent < reservation ? 'yes' : 'NO',
      'reserved left': Number(ledger?.reserved ?? Number.NaN),
      'ledger requests': ledger?.requests ?? 0,
      'records 200/429': `${recordsOk}/${records429}`,
      'burst ms': round(Math.max(...answers.map((answer) => answer.answeredAt)) - sentAt, 0),
      'all refused before 1st success': refused.length === 0 || ok.length === 0 ? '-' : lastRefusalAt < firstSuccessAt ? 'yes' : 'no',
      result: passed
        ? 'ok'
        : `FAILED (${Object.entries(checks)
            .filter(([, value]) => !value)
            .map(([name]) => name)
            .join(', ')})`,
    });
    if (other > 0)
      for (const answer of answers.filter((a) => a.status !== 200 && a.code !== 'budget_exceeded').slice(0, 3))
        console.error(`  e.g. ${answer.status} ${answer.text.slice(0, 300)}`);
  }

  // ---- 3. the reservation in the app (the headline run's records) and its floor ----
  const { rows: queued } = await sqlOwner.query<{ queue_time_ms: number }>(
    `select r.queue_time_ms from usage_records r join usage_keys k on k.id = r.key_id
     where k.prefix = any($1::text[]) and r.status_code = 200 and r.queue_time_ms is not null order by r.queue_time_ms`,
    [headlineProxy.prefixes],
  );
  const appReservation = queued.map((row) => Number(row.queue_time_ms));
  console.log(
    `floor: bare usage_reserve(...) from this process, ${flags.connections} callers, ${flags.floor} s one at a time and ${flags.floor} s grouped…`,
  );
  const floor = await reserveFloor(database, sqlOwner, flags, floorKeys, false);
  const groupedFloor = await reserveFloor(database, sqlOwner, flags, floorKeys, true);
  const { rows: released } = await sqlOwner.query<{ n: string }>(
    `select count(*) as n from usage_reservations r cross join lateral usage_settle(r.id, 0, 0, r.tenant_id, r.user_id, r.period) s
     where r.key_id in (select id from usage_keys where prefix = any($1::text[]))`,
    [floorKeys.map((key) => key.prefix)],
  );
  if (floor.refused + groupedFloor.refused > 0) failures.push(`floor: ${floor.refused + groupedFloor.refused} reservations not 'reserved'`);
  const appP50 = percentOf(appReservation, 0.5);
  const floorP50 = round(floor.latency.p50);
  const floorRatio = round(floorP50 / Math.max(appP50, 0.5), 3);

  // ---- report ----
  const runRows = runs.map(({ profile, mode, target, connections, result }) => ({
    profile,
    mode,
    target,
    conns: connections,
    'req/s': round(result.completed / result.seconds, 0),
    'p50 ms': round(result.total.p50),
    'p95 ms': round(result.total.p95),
    'p99 ms': round(result.total.p99),
    'first byte p50': mode === 'stream' ? round(result.firstByte.p50) : '',
    'first byte p99': mode === 'stream' ? round(result.firstByte.p99) : '',
    'cores app': result.cores.app ?? 0,
    'cores pg': result.cores.postgres ?? 0,
    'cores redis': result.cores.redis ?? 0,
    'cores stub': result.cores.stub ?? 0,
    'cores generator': result.cores.generator ?? 0,
    'cores irq': result.cores.interrupts ?? 0,
    'cores other': result.cores.other ?? 0,
    'app CPU µs/req': round(((result.cores.app ?? 0) * result.seconds * 1e6) / Math.max(1, result.completed), 0),
  }));
  const comparisons = profiles.flatMap((profile) =>
    modes.map((mode) => {
      const direct = find(profile.name, mode, 'direct').result;
      const proxy = find(profile.name, mode, 'proxy').result;
      const addedP50 = round(proxy.total.p50 - direct.total.p50);
      const ratio = round(proxy.completed / Math.max(1, direct.completed), 3);
      return {
        profile: profile.name,
        mode,
        'direct req/s': round(direct.completed / direct.seconds, 0),
        'proxy req/s': round(proxy.completed / proxy.seconds, 0),
        ratio,
        'added p50 ms': addedP50,
        'added p99 ms': round(proxy.total.p99 - direct.total.p99),
        'added first byte p50 ms': mode === 'stream' ? round(proxy.firstByte.p50 - direct.firstByte.p50) : '',
        [`ratio ≥ ${TARGET_RATIO}`]: ratio >= TARGET_RATIO ? 'pass' : 'FAIL',
        [`added p50 < ${TARGET_ADDED_P50_MS} ms`]: addedP50 < TARGET_ADDED_P50_MS ? 'pass' : 'FAIL',
      };
    }),
  );
  const floorRows = [
    {
      reservation: `in the app: arrival → forward (${profiles[0]!.name} json, ${flags.connections} connections; whole ms)`,
      count: appReservation.length,
      'per s': round(headlineProxy.result.completed / headlineProxy.result.seconds, 0),
      'p50 ms': appP50,
      'p95 ms': percentOf(appReservation, 0.95),
      'p99 ms': percentOf(appReservation, 0.99),
      'µs CPU/reservation (bench | pg)': '',
      'floor p50 / app p50': '',
    },
    ...[
      { name: 'floor: bare usage_reserve(...), one statement each', result: floor },
      { name: 'floor: the same, grouped as the app sends them (one statement for all callers)', result: groupedFloor },
    ].map(({ name, result }) => ({
      reservation: `${name} (${flags.connections} callers, ${engine === 'pglite' ? 'PGlite in this process' : `pool of ${flags.pool}`})`,
      count: result.completed,
      'per s': round(result.completed / result.seconds, 0),
      'p50 ms': round(result.latency.p50),
      'p95 ms': round(result.latency.p95),
      'p99 ms': round(result.latency.p99),
      'µs CPU/reservation (bench | pg)': `${round(((result.cores.bench ?? 0) * result.seconds * 1e6) / Math.max(1, result.completed), 0)} | ${round(((result.cores.postgres ?? 0) * result.seconds * 1e6) / Math.max(1, result.completed), 0)}`,
      'floor p50 / app p50': round(result.latency.p50 / Math.max(appP50, 0.5), 3),
    })),
  ];
  console.log(
    `\nruns on ${engine} (closed loop, ${flags.seconds} s each; total = request sent → last byte; cores of ${availableParallelism()}: ` +
      `app = the app process, pg = every postgres process, stub = the stub's process, generator = this process (the load), irq = kernel interrupts)`,
  );
  printTable(runRows);
  console.log('\nproxy against direct (same profile, mode and connections)');
  printTable(comparisons);
  if (engine === 'pglite')
    console.log(
      sustained
        ? `\nembedded default: ${sustained.perSecond} req/s at p99 ${sustained.p99} ms (< ${PGLITE_TARGET_P99_MS} ms) with ${sustained.connections} connections`
        : `\nembedded default: p99 stays ≥ ${PGLITE_TARGET_P99_MS} ms even with 1 connection`,
    );
  console.log(
    `\nconcurrency: ${flags.race} requests at once from one user whose budget fits ${flags['race-fits']} (stub latency ${flags['race-latency']} ms)`,
  );
  printTable(raceRows);
  console.log(`\nthe reservation against its floor (ratio floor p50 / app p50: ${floorRatio}, target ≥ ${TARGET_FLOOR_RATIO})`);
  printTable(floorRows);
  console.log(`(the floor's ${released[0]!.n} holds released)`);
  for (const failure of failures) console.error(`  FAILED: ${failure}`);
  console.log(`\ncommand: npm run bench:usage-proxy -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  const file = writeResult(engine === 'pglite' ? 'usage-proxy-pglite.json' : 'usage-proxy.json', {
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    database: engine,
    flags,
    machineBusyBeforePct: quiet,
    targets: { addedP50Ms: TARGET_ADDED_P50_MS, throughputRatio: TARGET_RATIO, floorRatio: TARGET_FLOOR_RATIO },
    runs: runs.map(({ profile, mode, target, connections, result }) => ({ profile, mode, target, connections, ...result })),
    comparisons,
    sustained,
    concurrency: { reservation, budget, fits: flags['race-fits'], requests: flags.race, rounds: raceRows },
    reservation: {
      app: floorRows[0],
      floor: { ...floorRows[1], cores: floor.cores },
      groupedFloor: { ...floorRows[2], cores: groupedFloor.cores },
      ratio: floorRatio,
    },
    failures,
  });
  console.log(`wrote ${file}`);

  const headline = comparisons[0]!;
  const others = comparisons
    .slice(1)
    .map((row) => `${row.profile} ${row.mode} ${row['proxy req/s']}/${row['direct req/s']} req/s (ratio ${row.ratio})`)
    .join(', ');
  printSummary({
    bench: 'usage-proxy',
    database: engine,
    figure: {
      name: `proxied req/s (${profiles[0]!.name}, json, ${flags.connections} conns)`,
      value: headline['proxy req/s'],
      unit: 'req/s',
    },
    baseline: { name: 'the stub called directly', value: headline['direct req/s'] },
    better: 'higher',
    target: { on: 'ratio', op: '≥', value: TARGET_RATIO },
    noisy: (headlineProxy.result.cores.other ?? 0) > 0.25 || (headlineDirect.result.cores.other ?? 0) > 0.25,
    note: [
      `added p50 ${headline['added p50 ms']} ms (target < ${TARGET_ADDED_P50_MS})`,
      `reservation p50 ${appP50} ms in the app vs ${floorP50} ms bare usage_reserve at ${flags.connections} callers ` +
        `(ratio ${floorRatio}, target ≥ ${TARGET_FLOOR_RATIO}; floor ${round(floor.completed / floor.seconds, 0)}/s)`,
      `race ${flags.rounds - raceFailures}/${flags.rounds} rounds: exactly ${flags['race-fits']} of ${flags.race} forwarded, spend within budget`,
      ...(others ? [others] : []),
      ...(engine === 'pglite'
        ? [
            sustained
              ? `embedded: ${sustained.perSecond} req/s at p99 ${sustained.p99} ms with ${sustained.connections} conns`
              : `embedded: p99 ≥ ${PGLITE_TARGET_P99_MS} ms even at 1 conn`,
          ]
        : []),
      ...(failures.length > 0 ? [`${failures.length} runs with failed requests`] : []),
      ...(flags.quick ? ['quick'] : []),
    ].join('; '),
  });
  return raceFailures > 0 || failures.length > 0 ? 1 : 0;
}

const quick = process.argv.includes('--quick');
const flags = parseFlags(
  HELP,
  {
    seconds: quick ? 3 : 10,
    warmup: quick ? 1 : 2,
    connections: 32,
    keys: 32,
    'upstream-latency': 0,
    'real-latency': 50,
    'real-chunk-delay': 5,
    race: 200,
    'race-fits': 10,
    'race-max-tokens': 200,
    'race-latency': 200,
    rounds: quick ? 1 : 5,
    floor: quick ? 2 : 10,
    pool: 10,
  },
  ['quick', 'pglite'],
);
runBench(() => main(flags));
