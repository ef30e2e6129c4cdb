import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDatabase } from '../../src/db/database';
import type { DB } from '../../src/db/schema';
import { migrateToLatest } from '../../src/db/migrator';
import { syncBuiltinRoles } from '../../src/domains/identity/roles';
import { UsageRecorder, usageRecordsStatement, type UsageRecordInput } from '../../src/domains/usage/recorder';
import { createLogger } from '../../src/platform/observability/logger';
import {
  cpuCores,
  cpuSnapshot,
  type CpuSnapshot,
  dropDatabase,
  onCleanup,
  ownerPool,
  parseFlags,
  printSummary,
  printTable,
  recreateDatabase,
  round,
  runBench,
  sampleDatabaseWaits,
  Samples,
  seedBenchTenant,
  sleep,
  waitForQuietMachine,
  writeResult,
} from './support';

const HELP = `Usage: npm run bench:usage-ingest -- [--quick] [--seconds 30] [--warmup 5] [--tenants 10] [--users 200] [--rate N] [--buffer 10000]
       [--floor 10] [--pool 10] [--keep]

The usage record writer (UsageRecorder, src/domains/usage/recorder.ts: batches of up to 5,000 records
every 100 ms, one statement per tenant and batch that inserts the records and folds them into the four
daily rollups, plus one usage.usage.recorded event) in this process, against a fresh database
(balcao_bench_usage_ingest) migrated with the app's migrator, on the app's pg pool (role app_rls).
--tenants tenants (createTenant) × --users usage users each (SQL). Records as the proxy makes them
(6 models, ~5 % errors, tokens and costs varied) go to recorder.record() for --warmup + --seconds s:
as fast as the writer takes them (default: this process tops the buffer up to --buffer waiting records
whenever it falls below, so the writer never waits for records and nothing is dropped), or, with
--rate, open loop at --rate records/s (a writer slower than that shows as a growing buffer, then drops).
Figures: records committed per second in the measured window (rows in usage_records, counted once a
second by id, so a per-second timeline too; target ≥ 20,000/s sustained), write transaction time
(one per tenant and batch: pool checkout → release) p50/p99 and records per transaction, WAL written,
CPU (this process: generator + writer + pg client; Postgres), what the backends were doing.
Checks (any failure exits 1): no record dropped (a full buffer drops the oldest); rows = records given
− dropped; sum of usage_daily.requests = rows;
usage_daily_user_model, usage_daily_user, usage_daily_model and usage_daily (users = distinct users
per day) equal the same sums over the raw records, column by column; usage_user_activity holds each
user's last day with a record.
Then the floor: the same statement the writer sends (usageRecordsStatement: one tenant's records inserted
and folded into the rollups), bare — autocommit, as the tables' owner, no tenant transaction, no event —
from this process on a plain pg connection, one statement at a time as the writer does, with batches of
5,000 records split by tenant as the writer splits them, for --floor s after 1 s of warm-up. Ratio: the
writer's records/s / the floor's (aim ≥ 0.5).
One summary line: records/s committed against the floor (target ≥ 20,000/s).

  --quick    5 s measured after 2 s of warm-up, a 5 s floor (about 30 s in all)

  --seconds  measured seconds (default 30; 5 with --quick)
  --warmup   unmeasured seconds first (default 5; 2 with --quick)
  --tenants  tenants (default 10)
  --users    usage users per tenant (default 200)
  --rate     records per second, open loop (default: as fast as the writer takes them)
  --buffer   waiting records to keep in the writer's buffer when not at --rate (default 10000: two batches)
  --floor    measured seconds of the floor (default 10; 5 with --quick)
  --pool     pg pool size (default 10, the app's; the writer uses one connection at a time)
  --keep     keep the database balcao_bench_usage_ingest afterwards
Writes .bench/usage-ingest.json.`;

const DATABASE = 'balcao_bench_usage_ingest';
const TARGET_PER_SECOND = 20_000;
const quick = process.argv.includes('--quick');
const flags = parseFlags(
  HELP,
  { seconds: quick ? 5 : 30, warmup: quick ? 2 : 5, tenants: 10, users: 200, rate: 0, buffer: 10_000, floor: quick ? 5 : 10, pool: 10 },
  ['quick'],
);
/** As the writer takes them from its buffer (MAX_BATCH in src/domains/usage/recorder.ts). */
const WRITER_BATCH = 5_000;
/** Item 4 of the performance issue: an operation at ≥ 0.5× its bare SQL floor. */
const TARGET_FLOOR_RATIO = 0.5;

const MODELS = [
  { name: 'gpt-4o-mini', costIn: '0.00000015', costOut: '0.0000006' },
  { name: 'gpt-4o', costIn: '0.0000025', costOut: '0.00001' },
  { name: 'gpt-4.1-mini', costIn: '0.0000004', costOut: '0.0000016' },
  { name: 'claude-3-5-haiku', costIn: '0.0000008', costOut: '0.000004' },
  { name: 'llama-3.1-70b', costIn: '0.00000059', costOut: '0.00000079' },
  { name: 'text-embedding-3-small', costIn: '0.00000002', costOut: '0' },
];

/** A record as MeteredCall makes one: mostly answered chats, some refusals and upstream errors. */
function makeRecord(n: number, tenants: Array<{ tenantId: string; userIds: string[] }>): UsageRecordInput {
  const tenant = tenants[n % tenants.length]!;
  const userId = tenant.userIds[Math.floor(Math.random() * tenant.userIds.length)]!;
  const model = MODELS[Math.floor(Math.random() * MODELS.length)]!;
  const roll = Math.random();
  const status = roll < 0.95 ? 200 : roll < 0.98 ? 429 : 502;
  const promptTokens = status === 200 ? 50 + Math.floor(Math.random() * 2000) : 0;
  const completionTokens = status === 200 && model.costOut !== '0' ? 10 + Math.floor(Math.random() * 800) : 0;
  const responseTimeMs = status === 429 ? 3 : 200 + Math.floor(Math.random() * 4000);
  return {
    tenantId: tenant.tenantId,
    userId,
    keyId: null,
    requestId: `bench-${n}`,
    sessionId: n % 3 === 0 ? `session-${n % 1000}` : null,
    model: model.name,
    endpoint: model.costOut === '0' ? '/v1/embeddings' : '/v1/chat/completions',
    method: 'POST',
    promptTokens,
    completionTokens,
    estimatedTokens: promptTokens + completionTokens,
    estimationAccuracy: status === 200 ? 90 + Math.round(Math.random() * 1000) / 100 : null,
    costPerInputToken: model.costIn,
    costPerOutputToken: model.costOut,
    userAgent: 'LibreChat/0.7.7 openai-node/4.80.0',
    ipAddress: `10.0.${n % 250}.${(n >> 8) % 250}`,
    countryCode: 'BR',
    responseTimeMs,
    queueTimeMs: status === 429 ? null : 2,
    processingTimeMs: status === 429 ? null : responseTimeMs - 2,
    statusCode: status,
    errorMessage: status === 200 ? null : status === 429 ? 'Orçamento de tokens excedido' : 'Erro do upstream (500)',
    errorType: status === 200 ? null : status === 429 ? 'budget_exceeded' : 'upstream_error',
    isCached: false,
    isRetry: false,
    retryCount: 0,
    createdAt: new Date(),
  };
}

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const database = await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: flags.pool });
  onCleanup(() => database.close());
  await migrateToLatest(database);
  await syncBuiltinRoles(database.db);
  const pool = ownerPool(databaseUrl);

  const tenants: Array<{ tenantId: string; userIds: string[] }> = [];
  for (let t = 0; t < flags.tenants; t += 1) {
    const tenant = await seedBenchTenant(database.db, `bench-usage-ingest-${t}`, 0, ['usage']);
    const { rows } = await pool.query<{ id: string }>(
      `insert into usage_users (tenant_id, email, name, monthly_limit)
       select $1, 'llm' || i || '@bench.bench', 'LLM ' || i, 1000000 from generate_series(1, $2::int) as i returning id`,
      [tenant.tenantId, flags.users],
    );
    tenants.push({ tenantId: tenant.tenantId, userIds: rows.map((row) => row.id) });
  }

  // Write transactions: the recorder is the only user of this pool, one transaction at a time (pool checkout → release).
  const transactions = new Samples();
  const checkedOutAt = new Map<object, number>();
  let measuringTransactions = false;
  database.pool!.on('acquire', (client) => checkedOutAt.set(client, performance.now()));
  database.pool!.on('release', (_error, client) => {
    const at = checkedOutAt.get(client);
    if (at !== undefined && measuringTransactions) transactions.add(performance.now() - at);
  });

  const logger = createLogger('warn');
  const recorder = new UsageRecorder({ db: database.db, logger });
  onCleanup(() => recorder.stop());

  console.log(
    `${flags.tenants} tenants × ${flags.users} users; ${flags.rate > 0 ? `${flags.rate} records/s` : `as fast as the writer takes them (buffer topped up to ${flags.buffer})`}; ` +
      `${flags.warmup} s warm-up + ${flags.seconds} s measured`,
  );
  const quiet = flags.quick ? null : await waitForQuietMachine();

  // Committed rows, counted once a second: the rows above an id all of whose lower ids committed long
  // ago (the largest id seen 5 samples back: no write transaction lasts that long), plus a running
  // count below it. Exact even when transactions commit out of id order, and cheap on a large table.
  let stableId = '0';
  let stableCount = 0;
  const maxima: string[] = [];
  const countNew = async () => {
    const { rows } = await pool.query<{ n: string; max: string | null }>(
      'select count(*) as n, max(id) as max from usage_records where id > $1',
      [stableId],
    );
    maxima.push(rows[0]!.max ?? stableId);
    const committed = stableCount + Number(rows[0]!.n);
    if (maxima.length > 5) {
      const next = maxima.shift()!;
      const { rows: below } = await pool.query<{ n: string }>('select count(*) as n from usage_records where id > $1 and id <= $2', [
        stableId,
        next,
      ]);
      stableCount += Number(below[0]!.n);
      stableId = next;
    }
    return committed;
  };
  const walNow = async () => (await pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
  const walBytes = async (from: string) =>
    Number((await pool.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1) as bytes', [from])).rows[0]!.bytes);

  let given = 0;
  let maxPending = 0;
  let producing = true;
  const tenantsList = tenants;
  const producer = (async () => {
    const startedAt = performance.now();
    while (producing) {
      const due =
        flags.rate > 0 ? Math.floor(((performance.now() - startedAt) / 1000) * flags.rate) - given : flags.buffer - recorder.pending;
      for (let i = 0; i < Math.min(due, 2_000); i += 1) recorder.record(makeRecord(given++, tenantsList));
      maxPending = Math.max(maxPending, recorder.pending);
      await sleep(due > 2_000 ? 0 : 1);
    }
  })();

  await sleep(flags.warmup * 1000);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  measuringTransactions = true;
  const waits = sampleDatabaseWaits(databaseUrl, database.pool);
  const timeline: number[] = [];
  const walBefore = await walNow();
  const checkpointsBefore = (await pool.query<{ n: string }>('select checkpoints_timed + checkpoints_req as n from pg_stat_bgwriter'))
    .rows[0]!.n;
  const cpuBefore = cpuSnapshot({ bench: process.pid });
  const atStart = await countNew();
  const givenAtStart = given;
  const windowStartedAt = performance.now();
  let previous = atStart;
  for (let second = 1; second <= flags.seconds; second += 1) {
    await sleep(windowStartedAt + second * 1000 - performance.now());
    const now = await countNew();
    timeline.push(now - previous);
    previous = now;
  }
  const windowSeconds = (performance.now() - windowStartedAt) / 1000;
  const atEnd = previous;
  const givenInWindow = given - givenAtStart;
  const cpu = cpuCores(cpuBefore, cpuSnapshot({ bench: process.pid }), windowSeconds);
  const wal = await walBytes(walBefore);
  const checkpoints =
    Number((await pool.query<{ n: string }>('select checkpoints_timed + checkpoints_req as n from pg_stat_bgwriter')).rows[0]!.n) -
    Number(checkpointsBefore);
  const waitStates = await waits.stop();
  // The rollups' rows are updated by every batch: how many dead versions they carry, and how many updates stayed on their page.
  const { rows: tables } = await pool.query<{
    table: string;
    live: string;
    dead: string;
    updates: string;
    hot: string;
    size: string;
    autovacuums: string;
  }>(
    `select relname as table, n_live_tup as live, n_dead_tup as dead, n_tup_upd as updates, n_tup_hot_upd as hot,
            pg_size_pretty(pg_total_relation_size(relid)) as size, autovacuum_count as autovacuums
     from pg_stat_user_tables where relname like 'usage_daily%' or relname in ('usage_records', 'usage_user_activity', 'events') order by relname`,
  );
  measuringTransactions = false;
  loopDelay.disable();
  producing = false;
  await producer;
  const drainStartedAt = performance.now();
  await recorder.stop();
  const drainSeconds = (performance.now() - drainStartedAt) / 1000;
  const perSecond = (atEnd - atStart) / windowSeconds;

  // ---- checks: every record given is a row, and the rollups are the sums of the rows ----
  console.log('checking the rows and the rollups…');
  const {
    rows: [counts],
  } = await pool.query<{ rows: string; daily: string }>(
    `select (select count(*) from usage_records) as rows, (select coalesce(sum(requests), 0) from usage_daily) as daily`,
  );
  const measures = `count(*) as requests, count(*) filter (where status_code >= 400) as errors, sum(prompt_tokens) as prompt_tokens,
    sum(completion_tokens) as completion_tokens, sum(total_tokens) as total_tokens, sum(total_cost) as cost,
    coalesce(sum(response_time_ms), 0) as response_time_ms_sum, count(*) filter (where is_cached) as cached`;
  const columns = 'requests, errors, prompt_tokens, completion_tokens, total_tokens, cost, response_time_ms_sum, cached';
  const differences = async (table: string, keys: string, extra = '', extraRaw = '') => {
    const { rows } = await pool.query<{ missing: string; extra: string }>(
      `with raw as (select ${keys}, ${measures}${extraRaw} from usage_records group by ${keys}),
            rolled as (select ${keys}, ${columns}${extra} from ${table})
       select (select count(*) from (select * from raw except select * from rolled) a) as missing,
              (select count(*) from (select * from rolled except select * from raw) b) as extra`,
    );
    return { table, 'raw groups not in the rollup': Number(rows[0]!.missing), 'rollup rows not in the raw': Number(rows[0]!.extra) };
  };
  const rollupChecks = [
    await differences('usage_daily_user_model', 'tenant_id, day, user_id, model'),
    await differences('usage_daily_user', 'tenant_id, day, user_id'),
    await differences('usage_daily_model', 'tenant_id, day, model'),
    await differences('usage_daily', 'tenant_id, day', ', users', ', count(distinct user_id)::integer as users'),
  ];
  const {
    rows: [activity],
  } = await pool.query<{ missing: string; extra: string }>(
    `with raw as (select tenant_id, user_id, max(day) as last_day from usage_records group by tenant_id, user_id),
          kept as (select tenant_id, user_id, last_day from usage_user_activity)
     select (select count(*) from (select * from raw except select * from kept) a) as missing,
            (select count(*) from (select * from kept except select * from raw) b) as extra`,
  );
  const {
    rows: [events],
  } = await pool.query<{ n: string; records: string }>(
    `select count(*) as n, coalesce(sum((data->>'records')::int), 0) as records from events where type = 'usage.usage.recorded'`,
  );
  const rows = Number(counts!.rows);
  const checks = [
    { check: 'records dropped by the writer (buffer full)', value: recorder.dropped, ok: recorder.dropped === 0 },
    {
      check: 'rows in usage_records = records given − dropped',
      value: `${rows} / ${given} − ${recorder.dropped}`,
      ok: rows === given - recorder.dropped,
    },
    { check: 'sum(usage_daily.requests) = rows', value: `${counts!.daily} / ${rows}`, ok: Number(counts!.daily) === rows },
    ...rollupChecks.map((check) => ({
      check: `${check.table} = sums over the raw records`,
      value: `${check['raw groups not in the rollup']} missing, ${check['rollup rows not in the raw']} extra`,
      ok: check['raw groups not in the rollup'] + check['rollup rows not in the raw'] === 0,
    })),
    {
      check: "usage_user_activity = each user's last day in the raw records",
      value: `${activity!.missing} missing, ${activity!.extra} extra`,
      ok: Number(activity!.missing) + Number(activity!.extra) === 0,
    },
    {
      check: 'usage.usage.recorded events: records announced = rows',
      value: `${events!.records} / ${rows}`,
      ok: Number(events!.records) === rows,
    },
  ];

  // ---- the floor: the writer's statement, bare ----
  console.log(`floor: the writer's statement bare, one at a time, ${flags.floor} s…`);
  const floor = await runFloor(pool, database.db, tenants, given);
  const floorPerSecond = floor.records / floor.seconds;

  // ---- report ----
  const tx = transactions.summary();
  const throughput = {
    'records/s committed': round(perSecond, 0),
    'records/s given': round(givenInWindow / windowSeconds, 0),
    'min second': Math.min(...timeline),
    'max second': Math.max(...timeline),
    'write tx': tx.count,
    'records/tx': round((atEnd - atStart) / Math.max(1, tx.count), 0),
    'tx p50 ms': round(tx.p50),
    'tx p99 ms': round(tx.p99),
    'tx max ms': round(tx.max),
    'max buffered': maxPending,
    'drain s': round(drainSeconds, 2),
    'WAL MB/s': round(wal / windowSeconds / 1e6, 1),
    'WAL bytes/record': round(wal / Math.max(1, atEnd - atStart), 0),
    checkpoints,
  };
  const cores = {
    'cores bench (generator + writer)': cpu.bench ?? 0,
    'cores postgres': cpu.postgres ?? 0,
    'cores irq': cpu.interrupts ?? 0,
    'cores other': cpu.other ?? 0,
    'machine busy %': cpu.machineBusyPct ?? 0,
    'bench loop delay p99 ms': round(loopDelay.percentile(99) / 1e6, 1),
    'bench µs/record': round(((cpu.bench ?? 0) * windowSeconds * 1e6) / Math.max(1, atEnd - atStart), 1),
    'postgres µs/record': round(((cpu.postgres ?? 0) * windowSeconds * 1e6) / Math.max(1, atEnd - atStart), 1),
  };
  console.log(
    `\nthroughput (${flags.seconds} s measured after ${flags.warmup} s; tx = one tenant's part of a batch, pool checkout → release)`,
  );
  printTable([throughput]);
  console.log(`\nCPU (cores of ${availableParallelism()})`);
  printTable([cores]);
  console.log('\nrecords committed per second');
  printTable([Object.fromEntries(timeline.map((n, i) => [`${i + 1}`, n]))]);
  console.log('\ntables at the end of the measured window (pg_stat_user_tables; HOT = updates that stayed on their page)');
  printTable(
    tables.map((row) => ({
      table: row.table,
      'live rows': Number(row.live),
      'dead rows': Number(row.dead),
      updates: Number(row.updates),
      'HOT %': Number(row.updates) > 0 ? round((Number(row.hot) * 100) / Number(row.updates), 0) : '',
      size: row.size,
      autovacuums: Number(row.autovacuums),
    })),
  );
  console.log('\nwhat the database backends were doing while measured (pg_stat_activity every 100 ms; mean count per state)');
  printTable(waitStates);
  console.log('\nchecks (any FAILED fails the run)');
  printTable(checks.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'FAILED' })));
  const floorRows = [
    {
      writer: 'the writer (UsageRecorder: tenant transaction, statement, event, commit)',
      'records/s': round(perSecond, 0),
      'statement or tx p50 ms': round(tx.p50),
      'p99 ms': round(tx.p99),
      'records each': throughput['records/tx'],
      'cores this process': cpu.bench ?? 0,
      'cores postgres': cpu.postgres ?? 0,
    },
    {
      writer: 'floor: the same statement bare (autocommit, as owner, no event)',
      'records/s': round(floorPerSecond, 0),
      'statement or tx p50 ms': round(floor.latency.p50),
      'p99 ms': round(floor.latency.p99),
      'records each': round(floor.records / Math.max(1, floor.latency.count), 0),
      'cores this process': floor.cores.bench ?? 0,
      'cores postgres': floor.cores.postgres ?? 0,
    },
  ];
  console.log(`\nthe writer against its floor (ratio ${round(perSecond / floorPerSecond, 3)}, aim ≥ ${TARGET_FLOOR_RATIO})`);
  printTable(floorRows);
  const failed = checks.filter((check) => !check.ok);
  console.log(`\ncommand: npm run bench:usage-ingest -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  const file = writeResult('usage-ingest.json', {
    at: new Date().toISOString(),
    node: process.version,
    flags,
    machineBusyBeforePct: quiet,
    targetPerSecond: TARGET_PER_SECOND,
    throughput,
    cores,
    timeline,
    transactionMs: tx,
    databaseWaits: waitStates,
    tables,
    checks,
    floor: { ...floorRows[1], statementMs: floor.latency, cores: floor.cores },
  });
  console.log(`wrote ${file}`);
  printSummary({
    bench: 'usage-ingest',
    database: 'postgres',
    figure: { name: 'records/s committed by the writer', value: round(perSecond, 0), unit: 'records/s' },
    baseline: { name: 'the same statement bare', value: round(floorPerSecond, 0) },
    better: 'higher',
    target: { on: 'figure', op: '≥', value: TARGET_PER_SECOND },
    noisy: (cpu.other ?? 0) > 0.25,
    note:
      `floor ratio ${round(perSecond / floorPerSecond, 3)} (aim ≥ ${TARGET_FLOOR_RATIO}); writer tx p50 ${round(tx.p50)} ms / p99 ${round(tx.p99)} ms ` +
      `for ${throughput['records/tx']} records, floor statement p50 ${round(floor.latency.p50)} ms for ${floorRows[1]!['records each']}; ` +
      `${checks.length - failed.length}/${checks.length} checks ok (nothing dropped, rollups = sums of the records)` +
      `${flags.quick ? `; quick: ${flags.seconds} s` : ''}`,
  });
  return failed.length > 0 ? 1 : 0;
});

/**
 * The writer's statement sent bare, one at a time, with the writer's batches (WRITER_BATCH records,
 * one statement per tenant), for flags.floor seconds after a second of warm-up. Its records carry
 * request ids from `firstId` on.
 */
async function runFloor(
  pool: pg.Pool,
  db: Kysely<DB>,
  tenants: Array<{ tenantId: string; userIds: string[] }>,
  firstId: number,
): Promise<{ records: number; seconds: number; latency: ReturnType<Samples['summary']>; cores: Record<string, number> }> {
  const statements = new Samples();
  const client = await pool.connect();
  let records = 0;
  let next = firstId;
  try {
    const measureFrom = performance.now() + 1_000;
    const endsAt = measureFrom + flags.floor * 1000;
    let cpuBefore: CpuSnapshot | undefined;
    while (performance.now() < endsAt) {
      if (!cpuBefore && performance.now() >= measureFrom) cpuBefore = cpuSnapshot({ bench: process.pid });
      const byTenant = new Map<string, UsageRecordInput[]>();
      for (let i = 0; i < WRITER_BATCH; i += 1) {
        const record = makeRecord(next++, tenants);
        const batch = byTenant.get(record.tenantId);
        if (batch) batch.push(record);
        else byTenant.set(record.tenantId, [record]);
      }
      for (const batch of byTenant.values()) {
        const compiled = usageRecordsStatement(batch).compile(db);
        const sentAt = performance.now();
        await client.query(compiled.sql, [...compiled.parameters]);
        if (cpuBefore && performance.now() <= endsAt) {
          statements.add(performance.now() - sentAt);
          records += batch.length;
        }
      }
    }
    const cores = cpuCores(cpuBefore ?? cpuSnapshot({ bench: process.pid }), cpuSnapshot({ bench: process.pid }), flags.floor);
    return { records, seconds: flags.floor, latency: statements.summary(), cores };
  } finally {
    client.release();
  }
}
