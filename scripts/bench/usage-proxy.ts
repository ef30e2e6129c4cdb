import { spawn } from 'node:child_process';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createDatabase } from '../../src/db/database';
import { countChatPromptTokens } from '../../src/domains/usage/tokens';
import type { AppRouter } from '../../src/trpc/app-router';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  dropDatabase,
  onCleanup,
  ownerPool,
  parseFlags,
  printTable,
  recreateDatabase,
  round,
  runBench,
  runLoadProcess,
  Samples,
  seedBenchTenant,
  sleep,
  startAppProcess,
  waitForQuietMachine,
  writeResult,
} from './support';

const HELP = `Usage: npm run bench:usage-proxy -- [--seconds 10] [--warmup 2] [--connections 32] [--keys 32] [--upstream-latency 0]
       [--real-latency 50] [--real-chunk-delay 5] [--race 200] [--race-fits 10] [--race-max-tokens 200] [--race-latency 200]
       [--rounds 5] [--pool 10] [--keep]

The LLM proxy (POST /v1/chat/completions) on a fresh database (balcao_bench_usage_proxy): the app in a
child process (tsx src/main.ts, on Postgres and Redis); the OpenAI-compatible stub
(test/support/openai-upstream.ts) in its own processes; the load generator (node:http keep-alive,
closed loop: each connection sends its next request when the last one ended) in another child process
(this script again, given its config as JSON). One tenant with the usage module; the owner logs in over
HTTP and, through tRPC, points litellmSettings.baseUrl at the stub (rateLimitPerMinute 100000, burst
100000), creates --keys users with a budget nothing reaches, and a key each (new keys for every run).

1. Overhead. For each upstream profile — the stub answering after --upstream-latency ms (default 0:
   only the proxy's own CPU shows, on ${availableParallelism()} cores shared by everything) and after
   --real-latency ms with --real-chunk-delay ms between stream chunks (what a real LLM at least takes) —
   and for non-streamed and streamed chat completions: --connections connections for --warmup + --seconds
   s (a) straight to the stub, (b) through the proxy, each connection with its own key (--keys 1: every
   request on one user's ledger row). Reported: req/s, total time p50/p95/p99, for streams the time to
   the first body byte, cores used (app, Postgres, Redis, stub, generator, kernel interrupts), the added
   p50 (proxy − direct) and the throughput ratio (proxy / direct). Targets: added p50 < 1 ms and
   ratio ≥ 0.8. Any answer other than 200 (or a body that is not a whole completion / stream) fails the run.
2. Concurrency, --rounds times: a new user whose budget fits exactly --race-fits requests (monthlyLimit =
   --race-fits × one request's reservation: read from a refused probe's message, and checked against
   src/domains/usage/tokens.ts's count + max_tokens) sends --race requests at once on --race sockets
   (max_tokens --race-max-tokens; the race stub's reply is longer, so each answer uses all of it), to a
   stub answering after --race-latency ms. What is charged is a little under what is held (the stub
   counts the prompt in words, the proxy in tokens), so after the round less than one reservation is
   left: a request that came after others settled could not fit either, and exactly --race-fits pass
   however the 200 interleave (checked: budget − spent < one reservation). Checks (any failure exits 1): exactly --race-fits 200s and
   the rest 429 budget_exceeded; the stub saw exactly --race-fits requests (its request counter, read
   before and after); in Postgres usage_ledger.plan_spent + grant_spent ≤ budget + one request's
   estimation error (the largest charge above the reservation), reserved back at 0, requests = --race-fits;
   one usage record per request (--race-fits with 200, the rest 429).

  --seconds           measured seconds per run (default 10)
  --warmup            unmeasured seconds before each run (default 2)
  --connections       concurrent connections of the generator (default 32)
  --keys              users (one key each) the connections spread over (default 32)
  --upstream-latency  the first profile's stub latency in ms (default 0; only the default can be 0)
  --real-latency      the second profile's stub latency in ms (default 50)
  --real-chunk-delay  the second profile's delay between stream chunks in ms (default 5)
  --race              requests at once per concurrency round (default 200)
  --race-fits         requests the budget fits (default 10)
  --race-max-tokens   max_tokens of a race request (default 200)
  --race-latency      the race stub's latency in ms (default 200: every request is held before any settles)
  --rounds            concurrency rounds (default 5)
  --pool              the app's DATABASE_POOL_SIZE (default 10, the app's default)
  --keep              keep the database balcao_bench_usage_proxy afterwards
Writes .bench/usage-proxy.json.`;

const DATABASE = 'balcao_bench_usage_proxy';
const TARGET_ADDED_P50_MS = 1;
const TARGET_RATIO = 0.8;
const MODEL = 'gpt-4o-mini';
/** A budget nothing in the overhead runs reaches (the largest the settings accept). */
const UNREACHABLE_BUDGET = 1_000_000_000_000;
const MESSAGES = [
  { role: 'system', content: 'Você é o assistente de agendamento de uma clínica. Responda em português, com frases curtas.' },
  { role: 'user', content: 'Bom dia! Queria confirmar meu horário de amanhã e saber se preciso levar algum documento.' },
];

// ---------------------------------------------------------------------------------------------
// The load generator: this same script, run by runLoadProcess with its config as JSON.

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
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  onCleanup(async () => {
    process.off('exit', killNow);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(5_000).then(() => 'timeout')])) === 'timeout') killNow();
  });
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

const loadConfigArgument = process.argv[2]?.startsWith('{') ? process.argv[2] : undefined;

if (loadConfigArgument) {
  runLoad(JSON.parse(loadConfigArgument) as LoadConfig).then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  const flags = parseFlags(HELP, {
    seconds: 10,
    warmup: 2,
    connections: 32,
    keys: 32,
    'upstream-latency': 0,
    'real-latency': 50,
    'real-chunk-delay': 5,
    race: 200,
    'race-fits': 10,
    'race-max-tokens': 200,
    'race-latency': 200,
    rounds: 5,
    pool: 10,
  });
  runBench(() => main(flags));
}

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
  | 'pool',
  number
> & { keep: boolean };

async function main(flags: Flags): Promise<number> {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const profiles = [
    { name: `stub ${flags['upstream-latency']} ms`, latency: flags['upstream-latency'], chunkDelay: 0 },
    { name: `stub ${flags['real-latency']} ms`, latency: flags['real-latency'], chunkDelay: flags['real-chunk-delay'] },
  ];
  const [upstreams, raceUpstream, app] = await Promise.all([
    Promise.all(profiles.map((profile) => startUpstream(profile.latency, profile.chunkDelay))),
    // A reply longer than max_tokens: every race answer is cut at max_tokens, as held.
    startUpstream(flags['race-latency'], 0, Array.from({ length: flags['race-max-tokens'] + 50 }, (_, i) => `palavra${i % 10}`).join(' ')),
    startAppProcess('app', databaseUrl, {
      DATABASE_POOL_SIZE: String(flags.pool),
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
      // Each concurrency round answers 190 refusals, which the request log writes at warn.
      LOG_LEVEL: 'error',
    }),
  ]);
  const database = await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  onCleanup(() => database.close());
  const pool = ownerPool(databaseUrl);
  const tenant = await seedBenchTenant(database.db, 'bench-usage-proxy', 0, ['usage']);

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
  const users: Array<{ id: string }> = [];
  for (let i = 0; i < flags.keys; i += 1)
    users.push(
      await owner.usage.users.create.mutate({ email: `llm${i}@bench-usage.bench`, name: `LLM ${i}`, monthlyLimit: UNREACHABLE_BUDGET }),
    );
  const freshKeys = async () =>
    Promise.all(users.map(async (user) => `Bearer ${(await owner.usage.keys.create.mutate({ userId: user.id })).key}`));

  const chatBody = JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: 64 });
  const streamBody = JSON.stringify({
    model: MODEL,
    messages: MESSAGES,
    max_tokens: 64,
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
    `app ${app.url} (pool ${flags.pool}); stubs ${upstreams.map((upstream, i) => `${profiles[i]!.name} ${upstream.url}`).join(', ')}; ` +
      `${flags.connections} connections over ${flags.keys} keys, ${flags.warmup} s warm-up + ${flags.seconds} s per run`,
  );
  const quiet = await waitForQuietMachine();

  // ---- 1. overhead ----
  type Run = { profile: string; mode: 'json' | 'stream'; target: 'direct' | 'proxy'; result: LoadResult };
  const runs: Run[] = [];
  const failures: string[] = [];
  for (const [index, profile] of profiles.entries()) {
    const upstream = upstreams[index]!;
    await pointAt(upstream.url);
    for (const mode of ['json', 'stream'] as const) {
      for (const target of ['direct', 'proxy'] as const) {
        const config: LoadConfig = {
          url: target === 'direct' ? `${upstream.url}/chat/completions` : `${app.url}/v1/chat/completions`,
          body: mode === 'json' ? chatBody : streamBody,
          stream: mode === 'stream',
          authorizations: target === 'direct' ? [] : await freshKeys(),
          connections: flags.connections,
          warmupSeconds: flags.warmup,
          seconds: flags.seconds,
          pids: { app: app.process.pid!, stub: upstream.pid },
        };
        await waitForQuietMachine(30);
        console.log(`${profile.name}, ${mode}, ${target}…`);
        const result = await runLoadProcess<LoadConfig, LoadResult>(import.meta.filename, config);
        runs.push({ profile: profile.name, mode, target, result });
        const notOk = Object.entries(result.statuses)
          .filter(([status]) => status !== '200')
          .reduce((sum, [, count]) => sum + count, 0);
        if (notOk + result.errors + result.badBodies > 0)
          failures.push(
            `${profile.name} ${mode} ${target}: ${JSON.stringify(result.statuses)}, ${result.errors} errors, ${result.badBodies} bad bodies; ${result.samples.join(' | ')}`,
          );
      }
    }
  }

  const runRows = runs.map(({ profile, mode, target, result }) => ({
    profile,
    mode,
    target,
    'req/s': round(result.completed / result.seconds, 0),
    'p50 ms': round(result.total.p50),
    'p95 ms': round(result.total.p95),
    'p99 ms': round(result.total.p99),
    'first byte p50': mode === 'stream' ? round(result.firstByte.p50) : '',
    'first byte p95': mode === 'stream' ? round(result.firstByte.p95) : '',
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
    (['json', 'stream'] as const).map((mode) => {
      const direct = runs.find((run) => run.profile === profile.name && run.mode === mode && run.target === 'direct')!.result;
      const proxy = runs.find((run) => run.profile === profile.name && run.mode === mode && run.target === 'proxy')!.result;
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

  const raceRows = [];
  let raceFailures = 0;
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
    const ok = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429 && answer.code === 'budget_exceeded');
    const other = answers.length - ok.length - refused.length;
    const lastRefusalAt = Math.max(...refused.map((answer) => answer.answeredAt));
    const firstSuccessAt = Math.min(...ok.map((answer) => answer.answeredAt));
    // Settling and recording happen after the answer: wait for both.
    let ledger: { spent: string; reserved: string; requests: number } | undefined;
    let records: Array<{ status_code: number; n: number; max_total: number }> = [];
    for (const waitUntil = Date.now() + 15_000; Date.now() < waitUntil; await sleep(100)) {
      ledger = (
        await pool.query<{ spent: string; reserved: string; requests: number }>(
          `select plan_spent + grant_spent as spent, reserved, requests from usage_ledger where user_id = $1`,
          [user.id],
        )
      ).rows[0];
      records = (
        await pool.query<{ status_code: number; n: number; max_total: number }>(
          `select status_code, count(*)::int as n, max(total_tokens)::int as max_total from usage_records where user_id = $1 group by 1 order by 1`,
          [user.id],
        )
      ).rows;
      const recorded = records.reduce((sum, row) => sum + row.n, 0);
      if (ledger && Number(ledger.reserved) === 0 && recorded >= flags.race) break;
    }
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
      reserved: Number(ledger?.reserved ?? -1) === 0,
      requests: ledger?.requests === flags['race-fits'],
      records: recordsOk === flags['race-fits'] && records429 === flags.race - flags['race-fits'] && records.length === 2,
    };
    const passed = Object.values(checks).every(Boolean);
    if (!passed) raceFailures += 1;
    raceRows.push({
      round: roundNumber,
      '200 OK': ok.length,
      '429 budget_exceeded': refused.length,
      other,
      'stub saw': seen,
      'spent (pg)': spent,
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

  // ---- report ----
  console.log(
    `\nruns (closed loop, ${flags.connections} connections, ${flags.seconds} s each; total = request sent → last byte; cores of ${availableParallelism()}: ` +
      `app = the app process, pg = every postgres process, stub = the stub's process, generator = the load process, irq = kernel interrupts)`,
  );
  printTable(runRows);
  console.log('\nproxy against direct (same profile, mode and connections)');
  printTable(comparisons);
  console.log(
    `\nconcurrency: ${flags.race} requests at once from one user whose budget fits ${flags['race-fits']} (stub latency ${flags['race-latency']} ms)`,
  );
  printTable(raceRows);
  for (const failure of failures) console.error(`  FAILED: ${failure}`);
  const targetsMet = comparisons.every(
    (row) => row[`ratio ≥ ${TARGET_RATIO}`] === 'pass' && row[`added p50 < ${TARGET_ADDED_P50_MS} ms`] === 'pass',
  );
  console.log(`\ncommand: npm run bench:usage-proxy -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  const file = writeResult('usage-proxy.json', {
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    flags,
    machineBusyBeforePct: quiet,
    targets: { addedP50Ms: TARGET_ADDED_P50_MS, throughputRatio: TARGET_RATIO },
    runs: runs.map(({ profile, mode, target, result }) => ({ profile, mode, target, ...result })),
    comparisons,
    concurrency: { reservation, budget, fits: flags['race-fits'], requests: flags.race, rounds: raceRows },
    failures,
  });
  console.log(`wrote ${file}`);
  const summary = comparisons
    .map((row) => `${row.profile} ${row.mode}: ratio ${row.ratio}, added p50 ${row['added p50 ms']} ms`)
    .join('; ');
  console.log(
    `SUMMARY ${targetsMet && raceFailures === 0 && failures.length === 0 ? 'PASS' : 'FAIL'}: ${summary}; ` +
      `concurrency ${flags.rounds - raceFailures}/${flags.rounds} rounds ok; ${failures.length} runs with failed requests`,
  );
  return raceFailures > 0 || failures.length > 0 ? 1 : 0;
}
