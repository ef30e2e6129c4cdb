import { availableParallelism } from 'node:os';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { withTenant, type TenantTransaction } from '../../src/db/tenant-scope';
import { syncBuiltinRoles } from '../../src/domains/identity/roles';
import { localDateIn } from '../../src/platform/business-hours';
import type { AppRouter } from '../../src/trpc/app-router';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  databaseExists,
  databaseUrl,
  dropDatabase,
  onCleanup,
  ownerPool,
  parseFlags,
  PG_ADMIN_URL,
  printSummary,
  printTable,
  recreateDatabase,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  startAppProcess,
  waitForQuietMachine,
  writeResult,
} from './support';

const HELP = `Usage: npm run bench:usage-analytics -- [--quick] [--records 10000000] [--users 2000] [--days 90] [--calls 300] [--warmup 20]
       [--other-calls 100] [--breakdown 50] [--keep] [--reuse]

The usage dashboard over many records, on a database (balcao_bench_usage_analytics) migrated with the
app's migrator: one tenant (createTenant, module usage) with --users usage users, --records usage
records over the last --days days (up to now; 6 models; users skewed, a few heavy ones; ~5 % errors)
written with insert … select … from generate_series in chunks (the two secondary indexes of
usage_records are dropped for the fill and built again after, as the migration defines them), then
the rollups built from the raw records as the writer builds them (usage_daily_user_model,
usage_daily_user, usage_daily_model: group by day, user, model; usage_daily: users = distinct users per
day; usage_user_activity: each user's last day), then VACUUM ANALYZE. Filling 10 M records takes minutes: with --keep the database stays, and with
--reuse a kept one is used again when it holds the same fill (same flags, filled today in the tenant's
zone: the windows end today).
The app then runs in a child process (tsx src/main.ts); the owner logs in over HTTP and this process
calls, one at a time over tRPC HTTP (what the dashboard does):
  usage.analytics.dashboard({ period })  '30d' and '90d': --warmup calls, then --calls timed (target p95 < 50 ms)
  usage.analytics.user({ userId, period }) the heaviest user, '30d' and '90d': --other-calls each
  usage.analytics.usage({ from, to, groupBy }) the last 30 days by day, user and model: --other-calls each
  usage.settings.get  the floor: the same tRPC path, auth and tenant transaction with one small read
Then the breakdown: each statement of the dashboard (as analytics.ts builds them, plus the distinct
count over usage_daily_user it used before usage_user_activity, for comparison), --breakdown times in
its own tenant transaction as app_rls in this process, and the plan of the slowest.
The floor: the statements usage.analytics.dashboard sends (as analytics.ts builds them), bare, in one
tenant transaction as app_rls from this process, --warmup + --calls times per period: what the dashboard
costs without HTTP, tRPC, the session check and the JSON. Ratio: floor p95 / dashboard p95 (aim ≥ 0.5).
Checks (exit 1): the dashboard's totals for 90d equal sums over the raw records in the window.
One summary line: the 30-day dashboard's p95 against its floor (target p95 < 50 ms).

  --quick        200,000 records (2 %) in balcao_bench_usage_analytics_quick, 50 dashboard calls, 20 of the others,
                 5 warm-up calls, 10 breakdown runs (about 30 s)

  --records      usage records (default 10000000; 200000 with --quick)
  --users        usage users (default 2000)
  --days         days the records span, ending now (default 90)
  --calls        timed dashboard calls per period, and floor runs (default 300; 50 with --quick)
  --warmup       untimed calls first, per procedure and period (default 20; 5 with --quick)
  --other-calls  timed calls of analytics.user and analytics.usage per case (default 100; 20 with --quick)
  --breakdown    repetitions per statement in the breakdown (default 50; 10 with --quick)
  --keep         keep the database balcao_bench_usage_analytics afterwards
  --reuse        use a kept database with the same fill instead of filling again
Writes .bench/usage-analytics.json.`;

const quick = process.argv.includes('--quick');
const DATABASE = quick ? 'balcao_bench_usage_analytics_quick' : 'balcao_bench_usage_analytics';
const SEED_VERSION = 2;
const TARGET_P95_MS = 50;
const CHUNK = 500_000;
const SLUG = 'bench-usage-analytics';
const flags = parseFlags(
  HELP,
  quick
    ? { records: 200_000, users: 2000, days: 90, calls: 50, warmup: 5, 'other-calls': 20, breakdown: 10 }
    : { records: 10_000_000, users: 2000, days: 90, calls: 300, warmup: 20, 'other-calls': 100, breakdown: 50 },
  ['reuse', 'quick'],
);
/** Item 4 of the performance issue: an operation at ≥ 0.5× its bare SQL floor. */
const TARGET_FLOOR_RATIO = 0.5;

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'claude-3-5-haiku', 'llama-3.1-70b', 'text-embedding-3-small'];
const COST_IN = ['0.00000015', '0.0000025', '0.0000004', '0.0000008', '0.00000059', '0.00000002'];
const COST_OUT = ['0.0000006', '0.00001', '0.0000016', '0.000004', '0.00000079', '0'];
const literalArray = (values: string[], type: string) => `array[${values.map((value) => `'${value}'`).join(', ')}]::${type}[]`;

/** The writer's sums (recorder.ts), over the raw records. */
const AGGREGATES = `count(*) as requests, count(*) filter (where status_code >= 400) as errors, sum(prompt_tokens) as prompt_tokens,
  sum(completion_tokens) as completion_tokens, sum(total_tokens) as total_tokens, sum(total_cost) as cost,
  coalesce(sum(response_time_ms), 0) as response_time_ms_sum, count(*) filter (where is_cached) as cached`;
const MEASURES = 'requests, errors, prompt_tokens, completion_tokens, total_tokens, cost, response_time_ms_sum, cached';

interface Marker {
  seed: number;
  records: number;
  users: number;
  days: number;
  filledOn: string;
}

runBench(async () => {
  const url = databaseUrl(DATABASE);
  const timeZone = 'America/Sao_Paulo';
  const today = localDateIn(new Date(), timeZone);
  const wanted: Marker = { seed: SEED_VERSION, records: flags.records, users: flags.users, days: flags.days, filledOn: today };
  let marker: Marker | undefined;
  if (flags.reuse && (await databaseExists(DATABASE))) {
    // Read from the server's admin database: a connection to the kept one would be cut when it is filled again.
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ comment: string | null }>(
        'select shobj_description(oid, $2) as comment from pg_database where datname = $1',
        [DATABASE, 'pg_database'],
      );
      marker = rows[0]?.comment ? (JSON.parse(rows[0].comment) as Marker) : undefined;
    } finally {
      await admin.end();
    }
  }
  const reuse = marker !== undefined && JSON.stringify(marker) === JSON.stringify(wanted);
  if (flags.reuse && !reuse)
    console.log(`no kept ${DATABASE} with this fill (${marker ? `it holds ${JSON.stringify(marker)}` : 'none'}): filling again`);
  if (!reuse) await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const database = await createDatabase({ kind: 'postgres', url, poolSize: 2 });
  onCleanup(() => database.close());
  await migrateToLatest(database);
  await syncBuiltinRoles(database.db);
  const pool = ownerPool(url);

  let fillSeconds: Record<string, number> | null = null;
  let tenantId: string;
  if (reuse) {
    console.log(`reusing ${DATABASE} (${JSON.stringify(marker)})`);
    tenantId = (await pool.query<{ id: string }>('select id from tenants where slug = $1', [SLUG])).rows[0]!.id;
  } else {
    const tenant = await seedBenchTenant(database.db, SLUG, 0, ['usage']);
    tenantId = tenant.tenantId;
    fillSeconds = await fill(pool, tenantId);
    await pool.query(`comment on database ${DATABASE} is '${JSON.stringify(wanted)}'`);
  }
  const { rows: sizes } = await pool.query<{ records: string; database: string; records_size: string; rollups: string }>(
    `select (select count(*) from usage_records) as records, pg_size_pretty(pg_database_size(current_database())) as database,
            pg_size_pretty(pg_total_relation_size('usage_records')) as records_size,
            (select string_agg(relname || ' ' || n_live_tup, ', ' order by relname) from pg_stat_user_tables where relname like 'usage_daily%') as rollups`,
  );
  console.log(
    `${sizes[0]!.records} records (${sizes[0]!.records_size} with indexes), database ${sizes[0]!.database}; rollup rows: ${sizes[0]!.rollups}`,
  );
  const heaviest = (
    await pool.query<{ user_id: string }>(
      `select user_id from usage_daily_user where tenant_id = $1 group by user_id order by sum(total_tokens) desc limit 1`,
      [tenantId],
    )
  ).rows[0]!.user_id;

  const app = await startAppProcess('app', url, { LOGIN_MAX_ATTEMPTS_PER_IP: '100000' });
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${app.url}/trpc`, headers: token ? { authorization: `Bearer ${token}` } : {} })],
    });
  const { accessToken } = await client().auth.login.mutate({ tenant: SLUG, email: `owner@${SLUG}.bench`, password: BENCH_PASSWORD });
  const owner = client(accessToken);

  // Correctness first: the dashboard's 90-day totals are the raw records' sums in its window.
  const check = await owner.usage.analytics.dashboard.query({ period: '90d' });
  const {
    rows: [raw],
  } = await pool.query<{ requests: string; errors: string; tokens: string; cost: string; users: string }>(
    `select count(*) as requests, count(*) filter (where status_code >= 400) as errors, coalesce(sum(total_tokens), 0) as tokens,
            coalesce(sum(total_cost), 0)::text as cost, count(distinct user_id) as users
     from usage_records where tenant_id = $1 and day between $2 and $3`,
    [tenantId, check.from, check.to],
  );
  const checks = [
    {
      check: 'dashboard 90d requests = raw records in the window',
      value: `${check.requests} / ${raw!.requests}`,
      ok: check.requests === Number(raw!.requests),
    },
    { check: 'dashboard 90d errors = raw', value: `${check.errors} / ${raw!.errors}`, ok: check.errors === Number(raw!.errors) },
    {
      check: 'dashboard 90d tokens = raw',
      value: `${check.totalTokensUsed} / ${raw!.tokens}`,
      ok: check.totalTokensUsed === Number(raw!.tokens),
    },
    { check: 'dashboard 90d cost = raw', value: `${check.totalCost} / ${raw!.cost}`, ok: Number(check.totalCost) === Number(raw!.cost) },
    {
      check: 'dashboard 90d users with usage = raw',
      value: `${check.usersWithUsage} / ${raw!.users}`,
      ok: check.usersWithUsage === Number(raw!.users),
    },
  ];

  const from30 = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const cases: Array<{ name: string; calls: number; run: () => Promise<unknown>; target?: number }> = [
    { name: 'usage.settings.get (floor)', calls: flags['other-calls'], run: () => owner.usage.settings.get.query() },
    {
      name: "analytics.dashboard '30d'",
      calls: flags.calls,
      target: TARGET_P95_MS,
      run: () => owner.usage.analytics.dashboard.query({ period: '30d' }),
    },
    {
      name: "analytics.dashboard '90d'",
      calls: flags.calls,
      target: TARGET_P95_MS,
      run: () => owner.usage.analytics.dashboard.query({ period: '90d' }),
    },
    {
      name: "analytics.user '30d' (heaviest user)",
      calls: flags['other-calls'],
      run: () => owner.usage.analytics.user.query({ userId: heaviest, period: '30d' }),
    },
    {
      name: "analytics.user '90d' (heaviest user)",
      calls: flags['other-calls'],
      run: () => owner.usage.analytics.user.query({ userId: heaviest, period: '90d' }),
    },
    ...(['day', 'user', 'model'] as const).map((groupBy) => ({
      name: `analytics.usage 30 days by ${groupBy}`,
      calls: flags['other-calls'],
      run: () => owner.usage.analytics.usage.query({ from: from30, to: today, groupBy }),
    })),
  ];

  const quiet = flags.quick ? null : await waitForQuietMachine();
  const rows = [];
  for (const testCase of cases) {
    for (let i = 0; i < flags.warmup; i += 1) await testCase.run();
    const samples = new Samples();
    const cpuBefore = cpuSnapshot({ app: app.process.pid!, bench: process.pid });
    const startedAt = performance.now();
    for (let i = 0; i < testCase.calls; i += 1) {
      const sentAt = performance.now();
      await testCase.run();
      samples.add(performance.now() - sentAt);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = cpuCores(cpuBefore, cpuSnapshot({ app: app.process.pid!, bench: process.pid }), seconds);
    const { count, p50, p95, p99, max } = samples.summary();
    rows.push({
      call: testCase.name,
      count,
      'p50 ms': round(p50),
      'p95 ms': round(p95),
      'p99 ms': round(p99),
      'max ms': round(max),
      'app ms CPU/call': round(((cpu.app ?? 0) * seconds * 1000) / count, 2),
      'pg ms CPU/call': round(((cpu.postgres ?? 0) * seconds * 1000) / count, 2),
      'cores other': cpu.other ?? 0,
      target: testCase.target === undefined ? '' : `p95 < ${testCase.target}`,
      result: testCase.target === undefined ? '' : p95 < testCase.target ? 'pass' : 'FAIL',
    });
    console.log(`  ${testCase.name}: p50 ${round(p50)} ms, p95 ${round(p95)} ms`);
  }

  // ---- the floor: the dashboard's statements, bare, in one tenant transaction in this process ----
  const windowFromOf = (period: '30d' | '90d') =>
    new Date(Date.parse(`${today}T00:00:00Z`) - (period === '30d' ? 29 : 89) * 86_400_000).toISOString().slice(0, 10);
  const floors = [];
  for (const period of ['30d', '90d'] as const) {
    const samples = new Samples();
    for (let i = 0; i < flags.warmup + flags.calls; i += 1) {
      const startedAt = performance.now();
      await withTenant(database.db, tenantId, (trx) => dashboardStatements(trx, tenantId, windowFromOf(period), today));
      if (i >= flags.warmup) samples.add(performance.now() - startedAt);
    }
    const { count, p50, p95, p99 } = samples.summary();
    const app = rows.find((row) => row.call === `analytics.dashboard '${period}'`)!;
    floors.push({
      period,
      'floor runs': count,
      'floor p50 ms': round(p50),
      'floor p95 ms': round(p95),
      'floor p99 ms': round(p99),
      'dashboard p95 ms': app['p95 ms'],
      'floor p95 / dashboard p95': round(p95 / app['p95 ms'], 3),
    });
    console.log(`  floor ${period}: p50 ${round(p50)} ms, p95 ${round(p95)} ms`);
  }

  // ---- breakdown: the dashboard's statements one by one, as app_rls in a tenant transaction ----
  const breakdown = [];
  const explained: Record<string, string> = {};
  for (const period of ['30d', '90d'] as const) {
    const windowFrom = new Date(Date.parse(`${today}T00:00:00Z`) - (period === '30d' ? 29 : 89) * 86_400_000).toISOString().slice(0, 10);
    const statements: Array<{ name: string; text: string }> = [
      { name: 'tenant zone (currentPeriod)', text: `select timezone from tenants where id = '${tenantId}'` },
      {
        name: 'users: total, active',
        text: `select count(*), count(*) filter (where status = 'active') from usage_users where is_system = false`,
      },
      {
        name: 'usage_daily rows of the window',
        text: `select day, users, requests, errors, total_tokens, cost, response_time_ms_sum from usage_daily where day >= '${windowFrom}' and day <= '${today}'`,
      },
      {
        name: 'top models (usage_daily_model)',
        text: `select model, sum(total_tokens), sum(requests), sum(cost) from usage_daily_model where day >= '${windowFrom}' and day <= '${today}'
               group by model order by sum(total_tokens) desc limit 5`,
      },
      {
        name: 'users with usage (usage_user_activity)',
        text: `select count(*) from usage_user_activity where last_day >= '${windowFrom}'`,
      },
      {
        name: '(before: count distinct over usage_daily_user)',
        text: `select count(distinct user_id) from usage_daily_user where day >= '${windowFrom}' and day <= '${today}'`,
      },
      {
        name: 'alerts by type',
        text: `select type, count(*) from usage_alerts where is_test = false and created_at >= '${windowFrom}'::date::timestamp at time zone '${timeZone}' group by type`,
      },
      { name: 'settings (loadSettings)', text: `select * from usage_settings where tenant_id = '${tenantId}'` },
    ];
    for (const statement of statements) {
      const samples = new Samples();
      for (let i = 0; i < flags.breakdown + 5; i += 1) {
        const startedAt = performance.now();
        await withTenant(database.db, tenantId, (trx) => sql.raw(statement.text).execute(trx));
        if (i >= 5) samples.add(performance.now() - startedAt);
      }
      const { p50, p95 } = samples.summary();
      breakdown.push({ period, statement: statement.name, 'p50 ms': round(p50), 'p95 ms': round(p95) });
    }
    const slowest =
      statements[breakdown.slice(-statements.length).reduce((top, row, i, all) => (row['p50 ms'] > all[top]!['p50 ms'] ? i : top), 0)]!;
    const plan = await withTenant(database.db, tenantId, (trx) =>
      sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${slowest.text}`).execute(trx),
    );
    explained[`${period}: ${slowest.name}`] = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  // ---- report ----
  console.log(
    `\ncalls over tRPC HTTP, one at a time (${flags.records} records, ${flags.users} users, ${flags.days} days; cores of ${availableParallelism()})`,
  );
  printTable(rows);
  console.log(`\nbreakdown: the dashboard's statements, each in its own tenant transaction as app_rls (${flags.breakdown} runs)`);
  printTable(breakdown);
  for (const [name, plan] of Object.entries(explained)) console.log(`\nplan of the slowest statement, ${name}:\n${plan}`);
  console.log(
    `\nthe dashboard against its floor: the same statements bare, in one tenant transaction in this process (aim ≥ ${TARGET_FLOOR_RATIO})`,
  );
  printTable(floors);
  console.log('\nchecks (any FAILED fails the run)');
  printTable(checks.map((row) => ({ ...row, ok: row.ok ? 'ok' : 'FAILED' })));
  const failed = checks.filter((row) => !row.ok);
  console.log(`\ncommand: npm run bench:usage-analytics -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  const file = writeResult('usage-analytics.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    machineBusyBeforePct: quiet,
    reused: reuse,
    fillSeconds,
    sizes: sizes[0],
    calls: rows,
    breakdown,
    plans: explained,
    floors,
    checks,
  });
  console.log(`wrote ${file}`);
  const headline = rows.find((row) => row.call === "analytics.dashboard '30d'")!;
  const ninety = rows.find((row) => row.call === "analytics.dashboard '90d'")!;
  const floor30 = floors.find((row) => row.period === '30d')!;
  const trivial = rows.find((row) => row.call === 'usage.settings.get (floor)')!;
  printSummary({
    bench: 'usage-analytics',
    database: 'postgres',
    figure: { name: "analytics.dashboard '30d' p95", value: headline['p95 ms'], unit: 'ms' },
    baseline: { name: 'its statements bare in one tenant transaction', value: floor30['floor p95 ms'] },
    better: 'lower',
    target: { on: 'figure', op: '<', value: TARGET_P95_MS },
    noisy: rows.some((row) => row['cores other'] > 0.25),
    note:
      `${flags.records.toLocaleString('en-US')} records${flags.quick ? ' (quick: 2 % of 10 M)' : ''}; '90d' p95 ${ninety['p95 ms']} ms ` +
      `(floor ${floors.find((row) => row.period === '90d')!['floor p95 ms']} ms); floor ratio ${floor30['floor p95 / dashboard p95']} (aim ≥ ${TARGET_FLOOR_RATIO}); ` +
      `usage.settings.get over the same tRPC path p95 ${trivial['p95 ms']} ms; ${checks.length - failed.length}/${checks.length} checks ok (90d totals = the raw records)`,
  });
  return failed.length > 0 ? 1 : 0;
});

/** The records in chunks, the indexes after, then the rollups from the raw records; returns seconds per step. */
async function fill(pool: pg.Pool, tenantId: string): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const startedAt = performance.now();
    await work();
    seconds[name] = round((performance.now() - startedAt) / 1000, 1);
    console.log(`  ${name}: ${seconds[name]} s`);
  };
  const client = await pool.connect();
  try {
    await client.query(`set synchronous_commit = off`);
    await client.query(`set maintenance_work_mem = '512MB'`);
    await client.query(`set work_mem = '256MB'`);
    await step('users', () =>
      client.query(
        `insert into usage_users (tenant_id, email, name, monthly_limit, plan)
         select $1, 'llm' || lpad(i::text, 5, '0') || '@bench.bench', 'Usuário ' || i, 1000000, 'basic' from generate_series(1, $2::int) as i`,
        [tenantId, flags.users],
      ),
    );
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where tablename = 'usage_records' and indexname <> 'usage_records_pkey'`,
    );
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    console.log(
      `filling ${flags.records} records in chunks of ${CHUNK} (indexes ${indexes.map((index) => index.name).join(', ')} dropped meanwhile)…`,
    );
    await step('records', async () => {
      for (let start = 1; start <= flags.records; start += CHUNK) {
        const end = Math.min(flags.records, start + CHUNK - 1);
        await client.query(
          `insert into usage_records (tenant_id, user_id, key_id, request_id, session_id, model, endpoint, method, prompt_tokens,
             completion_tokens, total_tokens, estimated_tokens, estimation_accuracy, cost_per_token, total_cost, user_agent, ip_address,
             country_code, response_time_ms, queue_time_ms, processing_time_ms, status_code, error_message, error_type, is_cached, is_retry,
             retry_count, created_at, day)
           select $1, u.ids[1 + floor(x.r_user * x.r_user * $4)::int], null, 'fill-' || x.g, null, x.model, x.endpoint, 'POST', x.prompt,
             x.completion, x.prompt + x.completion, x.prompt + x.completion, 97.5,
             case when x.prompt + x.completion > 0 then x.cost / (x.prompt + x.completion) else 0 end, x.cost,
             'LibreChat/0.7.7 openai-node/4.80.0', '10.0.0.1', 'BR', x.response_ms, 2, x.response_ms - 2, x.status,
             case when x.status >= 400 then 'erro' end, case when x.status = 429 then 'budget_exceeded' when x.status >= 500 then 'upstream_error' end,
             false, false, 0, x.at, (x.at at time zone t.timezone)::date
           from (select array_agg(id order by id) as ids from usage_users where tenant_id = $1 and not is_system) u,
                (select timezone from tenants where id = $1) t,
                (select g, r_user, at, status, response_ms, model, endpoint, prompt, completion,
                        prompt * (${literalArray(COST_IN, 'numeric')})[m] + completion * (${literalArray(COST_OUT, 'numeric')})[m] as cost
                 from (select g, r_user, at, status, response_ms, m, (${literalArray(MODELS, 'text')})[m] as model,
                              case when m = 6 then '/v1/embeddings' else '/v1/chat/completions' end as endpoint,
                              case when status = 200 then 50 + floor(r_prompt * 2000)::int else 0 end as prompt,
                              case when status = 200 and m <> 6 then 10 + floor(r_completion * 800)::int else 0 end as completion
                       from (select g, random() as r_user, now() - random() * make_interval(days => $5::int) as at,
                                    1 + floor(random() * 6)::int as m, random() as r_prompt, random() as r_completion,
                                    case when random() < 0.95 then 200 when random() < 0.6 then 429 else 502 end as status,
                                    200 + floor(random() * 4000)::int as response_ms
                             from generate_series($2::bigint, $3::bigint) as g) a) b) x`,
          [tenantId, start, end, flags.users, flags.days],
        );
        process.stdout.write(`\r  ${end} / ${flags.records}`);
      }
      process.stdout.write('\n');
    });
    await step('indexes', async () => {
      for (const index of indexes) await client.query(index.definition);
    });
    await step('rollups', async () => {
      await client.query(
        `insert into usage_daily_user_model (tenant_id, day, user_id, model, ${MEASURES})
         select tenant_id, day, user_id, model, ${AGGREGATES} from usage_records group by tenant_id, day, user_id, model`,
      );
      await client.query(
        `insert into usage_daily_user (tenant_id, day, user_id, ${MEASURES})
         select tenant_id, day, user_id, ${AGGREGATES} from usage_records group by tenant_id, day, user_id`,
      );
      await client.query(
        `insert into usage_daily_model (tenant_id, day, model, ${MEASURES})
         select tenant_id, day, model, ${AGGREGATES} from usage_records group by tenant_id, day, model`,
      );
      await client.query(
        `insert into usage_daily (tenant_id, day, users, ${MEASURES})
         select tenant_id, day, count(distinct user_id), ${AGGREGATES} from usage_records group by tenant_id, day`,
      );
      await client.query(
        `insert into usage_user_activity (tenant_id, user_id, last_day)
         select tenant_id, user_id, max(day) from usage_records group by tenant_id, user_id`,
      );
    });
    await step('vacuum analyze', async () => {
      for (const table of [
        'usage_records',
        'usage_daily',
        'usage_daily_model',
        'usage_daily_user',
        'usage_daily_user_model',
        'usage_user_activity',
        'usage_users',
      ])
        await client.query(`vacuum (analyze) ${table}`);
    });
  } finally {
    client.release();
  }
  return seconds;
}

/**
 * The statements usage.analytics.dashboard sends (dashboardMetrics in src/domains/usage/analytics.ts),
 * in its order: the tenant's zone, the users, the window's daily rollup (with its exact total cost),
 * the top models, the users with usage, the alerts and the settings.
 */
async function dashboardStatements(trx: TenantTransaction, tenantId: string, from: string, to: string): Promise<void> {
  const {
    rows: [zone],
  } = await sql<{ timezone: string }>`select timezone from tenants where id = ${tenantId}`.execute(trx);
  await sql`select count(*) as total, count(*) filter (where status = 'active') as active from usage_users where is_system = false`.execute(
    trx,
  );
  await sql`select day, users, requests, errors, total_tokens, cost, response_time_ms_sum, sum(cost) over ()::text as window_cost
    from usage_daily where day >= ${from} and day <= ${to}`.execute(trx);
  await sql`select model, sum(total_tokens) as tokens, sum(requests) as requests, sum(cost) as cost from usage_daily_model
    where day >= ${from} and day <= ${to} group by model order by sum(total_tokens) desc limit 5`.execute(trx);
  await sql`select count(*) as users_with_usage from usage_user_activity where last_day >= ${from}`.execute(trx);
  await sql`select type, count(*) as count from usage_alerts
    where is_test = false and created_at >= ${from}::date::timestamp at time zone ${zone!.timezone} group by type`.execute(trx);
  await sql`select * from usage_settings where tenant_id = ${tenantId}`.execute(trx);
}
