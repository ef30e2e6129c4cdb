import { availableParallelism } from 'node:os';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../src/trpc/app-router';
import { createDatabase } from '../../src/db/database';
import type { InventoryAuditItemStatus } from '../../src/db/schema';
import { classifyScan } from '../../src/domains/inventory/audits/scans';
import {
  BENCH_PASSWORD,
  cpuCores,
  cpuSnapshot,
  dropDatabase,
  onCleanup,
  ownerPool,
  parseFlags,
  printSummary,
  printTable,
  recreateDatabase,
  round,
  runBench,
  Samples,
  seedBenchTenant,
  sleep,
  startAppProcess,
  waitForQuietMachine,
  writeResult,
  openFloorPool,
  inPoolTransaction,
} from './support';

const HELP = `Usage: npm run bench:inventory-audit -- [--assets 20000] [--scanners 10] [--rate 5] [--closed] [--floor 30] [--rooms 20] [--outside 300] [--pool 10] [--quick] [--keep]

An audit (inventário físico) on a fresh database (balcao_bench_inventory_audit), the app in a child
process (tsx src/main.ts), this process as every scanner, through the HTTP procedure
inventory.audits.scan (tRPC over HTTP, one request per scan, each scanner a user of role agent):
one tenant with --assets assets spread over --rooms rooms of one building (seeded with SQL), and
--outside more in another building. The owner creates an audit scoped to the building and starts
it (the expected list is frozen: --assets items), then --scanners people scan at once, each at
--rate scans a second on a fixed schedule (a handheld scanner's brisk pace; open loop, so a
backlog shows in the latency), or with --closed each as fast as the answers come (the capacity),
the plan shuffled among them:
  1 in 40 of the expected assets is never scanned            → MISSING at the close
  1 in 40 is scanned in another room of the building         → WRONG_LOCATION
  the rest is scanned in its room (QR text or typed tag)     → FOUND
  1 in 20 of those is scanned again by someone else          → still FOUND (counted, not changed)
  1 in 100 scans is retried with the same clientScanId       → answered once, counted once (200 at 20,000)
  the --outside assets are scanned in a room of the building → UNEXPECTED
  1 in 200 codes nobody issued                               → 404, nothing written (100 at 20,000)
Figure: scan latency (client side, from the scan's scheduled time to its classified answer; target p99 < 50 ms).
The floor (the summary's baseline): a second audit of the same building, started the same way, scanned
with the same plan by the same number of scanners at the same pace for --floor seconds, as bare SQL
in this process on a pg pool of --pool connections as the tables' owner: per scan one transaction
that reads the asset the code names with its item locked (adding the UNEXPECTED item of an asset
nobody expected), classifies it as the app does, and inserts the scan row and counts it on the item
in one statement. Beside it, for information, auth.me at the same pace (the HTTP, tRPC and session
path without the scan).
Checks (fail the run): every answer classified as planned, no failed request, the close's counts
and the report (GET …/report.csv) match the plan and add up (found + missing + wrong + unexpected =
items), scan rows and scan counts = accepted scans.

  --rate      scans a second per scanner (default 5: 50 a second in all)
  --closed    no schedule: each scanner sends the next scan when the last one answered
  --floor     seconds of each floor: the bare SQL scans, then auth.me over HTTP (default 30)
  --pool      the app's DATABASE_POOL_SIZE and the floor's pool size (default 10, the app's default)
  --quick     500 expected assets and 20 outside (about 540 scans at the same pace), floors of 4 s:
              the same checks in about 30 s
  --keep      keep the database balcao_bench_inventory_audit afterwards
Writes .bench/inventory-audit.json.`;

const DATABASE = 'balcao_bench_inventory_audit';
const SCAN_TARGET_P99_MS = 50;
const given = parseFlags(HELP, { assets: 20_000, scanners: 10, rate: 5, rooms: 20, outside: 300, pool: 10, floor: 30 }, [
  'closed',
  'quick',
]);
const explicit = (name: string) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const quickDefaults = { assets: 500, outside: 20, floor: 4 };
const flags = given.quick ? { ...given, ...Object.fromEntries(Object.entries(quickDefaults).filter(([name]) => !explicit(name))) } : given;
const RETRIES = Math.max(1, Math.round(flags.assets / 100));
const UNKNOWN_CODES = Math.max(1, Math.round(flags.assets / 200));

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;
type Planned = 'FOUND' | 'WRONG_LOCATION' | 'UNEXPECTED' | 'UNKNOWN';

interface PlannedScan {
  code: string;
  locationId: string;
  expect: Planned;
  clientScanId?: string;
  /** A retry of the scan before it, as a client resends after a lost answer. */
  retry?: boolean;
}

/** Fisher–Yates with a fixed seed: the same plan every run. */
function shuffle<T>(items: T[], seed = 42): T[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Each client works through its calls on its own schedule (--rate a second, the clients spread
 * over the period), or back to back with --closed; each answer's latency goes in from its
 * scheduled time (a backlog shows) and from its send.
 */
async function paced<C, T>(
  clients: readonly C[],
  callsOf: (index: number) => readonly T[],
  samples: { fromSchedule: Samples; fromSend: Samples },
  call: (client: C, item: T) => Promise<void>,
): Promise<void> {
  const period = 1000 / flags.rate;
  const startedAt = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      for (const [position, item] of callsOf(index).entries()) {
        const scheduledAt = flags.closed ? performance.now() : startedAt + (index / clients.length + position) * period;
        const wait = scheduledAt - performance.now();
        if (wait >= 1) await sleep(wait);
        const sentAt = performance.now();
        await call(client, item);
        samples.fromSchedule.add(performance.now() - Math.min(scheduledAt, sentAt));
        samples.fromSend.add(performance.now() - sentAt);
      }
    }),
  );
}

runBench(async () => {
  const databaseUrl = await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const app = await startAppProcess('app', databaseUrl, {
    DATABASE_POOL_SIZE: String(flags.pool),
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    // The planned 404s would each log a warning.
    LOG_LEVEL: 'error',
  });
  const database = await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
  onCleanup(() => database.close());
  const pool = ownerPool(databaseUrl);
  const tenant = await seedBenchTenant(database.db, 'bench-audit', flags.scanners, ['inventory']);

  // ---- the places and assets, in SQL ----
  console.log(`seeding ${flags.assets} assets in ${flags.rooms} rooms, ${flags.outside} outside…`);
  const place = async (name: string, type: string, parent: { id: string; path: string } | null) => {
    const id = crypto.randomUUID();
    const path = `${parent?.path ?? '/'}${id}/`;
    await pool.query(
      `insert into inventory_locations (id, tenant_id, parent_id, type, name, code, path) values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, tenant.tenantId, parent?.id ?? null, type, name, `C${id.slice(0, 8)}`, path],
    );
    return { id, path };
  };
  const building = await place('Prédio Sede', 'building', null);
  const rooms: { id: string; path: string }[] = [];
  for (let i = 1; i <= flags.rooms; i += 1) rooms.push(await place(`Sala ${i}`, 'room', building));
  const annexRoom = await place('Sala do anexo', 'room', await place('Anexo', 'building', null));
  const seedAssets = (from: number, to: number, roomIds: string[]) =>
    pool.query(
      `insert into inventory_assets (tenant_id, name, tag, tag_number, location_id)
       select $1, 'Ativo ' || n, 'PAT-' || lpad(n::text, 6, '0'), n, ($2::uuid[])[1 + n % cardinality($2::uuid[])]
       from generate_series($3::int, $4::int) n`,
      [tenant.tenantId, roomIds, from, to],
    );
  await seedAssets(
    1,
    flags.assets,
    rooms.map((room) => room.id),
  );
  await seedAssets(flags.assets + 1, flags.assets + flags.outside, [annexRoom.id]);
  const total = flags.assets + flags.outside;
  await pool.query(
    `insert into inventory_settings (tenant_id, last_tag_number) values ($1, $2) on conflict (tenant_id) do update set last_tag_number = $2`,
    [tenant.tenantId, total],
  );
  await pool.query('analyze');
  const { rows: assets } = await pool.query<{ id: string; tag: string; n: number; location_id: string }>(
    `select id, tag, tag_number as n, location_id from inventory_assets where tenant_id = $1 order by tag_number`,
    [tenant.tenantId],
  );

  const client = (token?: string): Client =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${app.url}/trpc`, headers: token ? { authorization: `Bearer ${token}` } : {} })],
    });
  const login = async (email: string) =>
    (await client().auth.login.mutate({ tenant: tenant.slug, email, password: BENCH_PASSWORD })).accessToken;
  const ownerToken = await login(tenant.ownerEmail);
  const owner = client(ownerToken);
  const scanners: Client[] = [];
  for (let i = 0; i < flags.scanners; i += 1) scanners.push(client(await login(`user${String(i).padStart(5, '0')}@${tenant.slug}.bench`)));

  // ---- the audit ----
  const created = await owner.inventory.audits.create.mutate({ name: 'Inventário anual do prédio', scope: { locationId: building.id } });
  const startedAt = performance.now();
  const started = await owner.inventory.audits.start.mutate({ id: created.id });
  const startMs = performance.now() - startedAt;
  console.log(`audit started: ${started.expectedCount} expected items frozen in ${round(startMs)} ms`);

  // ---- the plan ----
  const wrongRoom = (locationId: string) => rooms[(rooms.findIndex((room) => room.id === locationId) + 1) % rooms.length]!.id;
  const qr = (assetId: string) => `${app.url}/inventario/ativos/${assetId}`;
  const firstScans: PlannedScan[] = [];
  const rescans: PlannedScan[] = [];
  const expectedCounts = { found: 0, missing: 0, wrongLocation: 0, unexpected: 0 };
  for (const asset of assets) {
    if (asset.n > flags.assets) {
      firstScans.push({ code: asset.tag, locationId: rooms[0]!.id, expect: 'UNEXPECTED' });
      expectedCounts.unexpected += 1;
    } else if (asset.n % 40 === 0) expectedCounts.missing += 1;
    else if (asset.n % 40 === 1) {
      firstScans.push({ code: asset.tag, locationId: wrongRoom(asset.location_id), expect: 'WRONG_LOCATION' });
      expectedCounts.wrongLocation += 1;
    } else {
      const scan = {
        code: asset.n % 2 === 0 ? qr(asset.id) : asset.tag.toLowerCase(),
        locationId: asset.location_id,
        expect: 'FOUND' as const,
      };
      firstScans.push(scan);
      if (asset.n % 20 === 2) rescans.push(scan);
      expectedCounts.found += 1;
    }
  }
  const plan = shuffle([...firstScans, ...rescans]);
  // Retries: the scan right after its original, with the same clientScanId.
  const withRetries: PlannedScan[] = [];
  let retried = 0;
  plan.forEach((scan, index) => {
    if (index % Math.floor(plan.length / RETRIES) === 0 && retried < RETRIES) {
      retried += 1;
      const clientScanId = `bench-${index}-${crypto.randomUUID()}`;
      withRetries.push({ ...scan, clientScanId }, { ...scan, clientScanId, retry: true });
    } else withRetries.push(scan);
  });
  for (let i = 0; i < UNKNOWN_CODES; i += 1)
    withRetries.splice(Math.floor((i * withRetries.length) / UNKNOWN_CODES), 0, {
      code: `PAT-9${String(i).padStart(6, '0')}`,
      locationId: rooms[0]!.id,
      expect: 'UNKNOWN',
    });
  const queues = scanners.map((_, index) => withRetries.filter((__, position) => position % scanners.length === index));

  // ---- the load ----
  await waitForQuietMachine(flags.quick ? 10 : 60);
  const latency = { fromSchedule: new Samples(), fromSend: new Samples() };
  const failures = new Map<string, number>();
  let misclassified = 0;
  let unknownAnswered = 0;
  let duplicates = 0;
  let accepted = 0;
  const example: string[] = [];
  const cpuBefore = cpuSnapshot({ app: app.process.pid!, bench: process.pid });
  const loadStartedAt = performance.now();
  await paced(
    scanners,
    (index) => queues[index]!,
    latency,
    async (scanner, scan) => {
      try {
        const answer = await scanner.inventory.audits.scan.mutate({
          auditId: created.id,
          code: scan.code,
          locationId: scan.locationId,
          ...(scan.clientScanId ? { clientScanId: scan.clientScanId } : {}),
        });
        if (answer.duplicate) duplicates += 1;
        else accepted += 1;
        if (answer.status !== scan.expect) {
          misclassified += 1;
          if (example.length < 5) example.push(`${scan.code}: ${answer.status}, planned ${scan.expect}`);
        }
      } catch (error) {
        const code = (error as { data?: { code?: string } }).data?.code ?? (error as Error).message;
        if (scan.expect === 'UNKNOWN' && code === 'NOT_FOUND') unknownAnswered += 1;
        else failures.set(code, (failures.get(code) ?? 0) + 1);
      }
    },
  );
  const seconds = (performance.now() - loadStartedAt) / 1000;
  const cpu = cpuCores(cpuBefore, cpuSnapshot({ app: app.process.pid!, bench: process.pid }), seconds);

  // ---- the floor: the same plan at the same pace on a second audit of the building, as bare SQL in this process ----
  const floorAudit = await owner.inventory.audits.create.mutate({ name: 'Piso: SQL puro', scope: { locationId: building.id } });
  await owner.inventory.audits.start.mutate({ id: floorAudit.id });
  console.log(`floor: bare SQL scans for ${flags.floor} s…`);
  const scanBare = await bareScanFloor(databaseUrl, tenant.tenantId, floorAudit.id, flags.pool);
  const bare = { fromSchedule: new Samples(), fromSend: new Samples() };
  const floorCallsEach = Math.ceil(flags.floor * flags.rate);
  let bareMisclassified = 0;
  await paced(
    tenant.userIds.slice(0, flags.scanners),
    (index) => queues[index]!.slice(0, floorCallsEach),
    bare,
    async (scannedBy, scan) => {
      if ((await scanBare(scan, scannedBy)) !== scan.expect) bareMisclassified += 1;
    },
  );

  // ---- and, for information, the same clients at the same pace on auth.me, an authenticated call that does no work of its own ----
  console.log(`floor: auth.me for ${flags.floor} s…`);
  const floor = { fromSchedule: new Samples(), fromSend: new Samples() };
  const floorCalls = Array.from({ length: floorCallsEach }, (_, call) => call);
  await paced(
    scanners,
    () => floorCalls,
    floor,
    async (scanner) => void (await scanner.auth.me.query()),
  );

  // ---- the close and the report ----
  const closeStartedAt = performance.now();
  const closed = await owner.inventory.audits.close.mutate({ id: created.id });
  const closeMs = performance.now() - closeStartedAt;
  const reportAt = performance.now();
  const csv = await fetch(`${app.url}/api/v1/inventory/audits/${created.id}/report.csv`, {
    headers: { authorization: `Bearer ${ownerToken}` },
  });
  const csvText = await csv.text();
  const csvMs = performance.now() - reportAt;
  const pdfAt = performance.now();
  const pdf = await fetch(`${app.url}/api/v1/inventory/audits/${created.id}/report.pdf`, {
    headers: { authorization: `Bearer ${ownerToken}` },
  });
  const pdfBytes = (await pdf.arrayBuffer()).byteLength;
  const pdfMs = performance.now() - pdfAt;
  const reportTally = { FOUND: 0, MISSING: 0, WRONG_LOCATION: 0, UNEXPECTED: 0, other: 0 };
  const reportRows = csvText
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .slice(1)
    .filter((line) => line.length > 0);
  for (const line of reportRows) {
    const status = line.split(',')[2] as keyof typeof reportTally;
    reportTally[status in reportTally ? status : 'other'] += 1;
  }
  const { rows: stored } = await pool.query<{ scans: string; counted: string }>(
    `select (select count(*) from inventory_audit_scans where audit_id = $1) as scans,
            (select coalesce(sum(scan_count), 0) from inventory_audit_items where audit_id = $1) as counted`,
    [created.id],
  );

  // ---- report ----
  const { count, p99 } = latency.fromSchedule.summary();
  const counts = closed.counts;
  const plannedCounts = `${expectedCounts.found}/${expectedCounts.missing}/${expectedCounts.wrongLocation}/${expectedCounts.unexpected}`;
  const addsUp = counts.found + counts.missing + counts.wrongLocation + counts.unexpected === counts.items;
  const reportAddsUp =
    reportTally.FOUND + reportTally.MISSING + reportTally.WRONG_LOCATION + reportTally.UNEXPECTED === reportRows.length &&
    reportTally.other === 0 &&
    reportRows.length === counts.items;
  const failed = [...failures.values()].reduce((sum, value) => sum + value, 0);
  const checks = [
    {
      check: 'answers classified as planned',
      value: `${count - failed - unknownAnswered - misclassified} of ${count - failed - unknownAnswered}`,
      ok: misclassified === 0,
    },
    { check: 'failed requests (other than the planned 404s)', value: failed, ok: failed === 0 },
    { check: 'unknown codes answered 404', value: `${unknownAnswered} of ${UNKNOWN_CODES}`, ok: unknownAnswered === UNKNOWN_CODES },
    { check: 'retries answered as duplicates', value: `${duplicates} of ${RETRIES}`, ok: duplicates === RETRIES },
    {
      check: 'close: found/missing/wrong/unexpected = plan',
      value: `${counts.found}/${counts.missing}/${counts.wrongLocation}/${counts.unexpected} (plan ${plannedCounts})`,
      ok: `${counts.found}/${counts.missing}/${counts.wrongLocation}/${counts.unexpected}` === plannedCounts,
    },
    { check: 'close: found + missing + wrong + unexpected = items', value: `${counts.items}`, ok: addsUp },
    {
      check: 'report.csv: rows by status add up to the items',
      value: `${reportTally.FOUND}+${reportTally.MISSING}+${reportTally.WRONG_LOCATION}+${reportTally.UNEXPECTED} = ${reportRows.length}`,
      ok: reportAddsUp && csv.status === 200,
    },
    { check: 'report.pdf served', value: `${pdf.status}, ${pdfBytes} bytes`, ok: pdf.status === 200 && pdfBytes > 0 },
    {
      check: 'floor: bare SQL scans classified as planned',
      value: `${bare.fromSchedule.count - bareMisclassified} of ${bare.fromSchedule.count}`,
      ok: bareMisclassified === 0,
    },
    {
      check: 'scan rows = scan counts = accepted scans',
      value: `${stored[0]!.scans} = ${stored[0]!.counted} = ${accepted}`,
      ok: Number(stored[0]!.scans) === accepted && Number(stored[0]!.counted) === accepted,
    },
  ];
  const pace = flags.closed ? 'closed loop' : `${flags.rate} scans/s each, open loop`;
  console.log(`\nscan latency (client side, ${flags.scanners} scanners at once over HTTP, ${pace})`);
  const figure = (measure: string, samples: Samples, target?: number) => {
    const summary = samples.summary();
    return {
      measure,
      count: summary.count,
      'p50 ms': round(summary.p50),
      'p95 ms': round(summary.p95),
      'p99 ms': round(summary.p99),
      'max ms': round(summary.max),
      target: target === undefined ? '' : `p99 < ${target}`,
      result: target === undefined ? '' : summary.p99 < target ? 'pass' : 'FAIL',
    };
  };
  const floorP99 = floor.fromSchedule.summary().p99;
  const bareP99 = bare.fromSchedule.summary().p99;
  printTable([
    figure('inventory.audits.scan, from its scheduled time', latency.fromSchedule, SCAN_TARGET_P99_MS),
    figure('inventory.audits.scan, from its send', latency.fromSend),
    figure('floor: bare SQL scan, from its scheduled time', bare.fromSchedule),
    figure('floor: bare SQL scan, from its send', bare.fromSend),
    figure('floor: auth.me, from its scheduled time', floor.fromSchedule),
    figure('floor: auth.me, from its send', floor.fromSend),
  ]);
  const throughput = {
    'scans /s': round(count / seconds, 1),
    'start (freeze) ms': round(startMs),
    'close ms': round(closeMs),
    'report.csv ms': round(csvMs),
    'report.pdf ms': round(pdfMs),
    'cores app': cpu.app ?? 0,
    'cores bench': cpu.bench ?? 0,
    'cores postgres': cpu.postgres ?? 0,
  };
  console.log(`\nthroughput and cost (cores of ${availableParallelism()})`);
  printTable([throughput]);
  console.log('\nchecks (any FAILED fails the run)');
  printTable(checks.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'FAILED' })));
  for (const [kind, times] of failures) console.error(`  ${times} × ${kind}`);
  for (const line of example) console.error(`  e.g. ${line}`);
  const targetMet = p99 < SCAN_TARGET_P99_MS;
  const allChecks = checks.every((check) => check.ok);
  console.log(`\ncommand: npm run bench:inventory-audit -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    `figure: scan p99 ${round(p99)} ms over ${count} scans by ${flags.scanners} scanners (${pace}) on ${counts.items} items (target < ${SCAN_TARGET_P99_MS} ms): ${targetMet ? 'met' : 'NOT met'}`,
  );
  console.log(
    `figure: report adds up (${counts.found} found + ${counts.missing} missing + ${counts.wrongLocation} wrong + ${counts.unexpected} unexpected = ${counts.items} items): ${addsUp && reportAddsUp ? 'yes' : 'NO'}`,
  );
  console.log(`figure: expected list of ${started.expectedCount} frozen at start in ${round(startMs)} ms`);
  console.log(
    `figure: floor (the same scans as bare SQL at the same pace) p99 ${round(bareP99)} ms: the scan's p99 is ${round(p99 / bareP99, 1)}× it`,
  );
  console.log(`figure: auth.me at the same pace p99 ${round(floorP99)} ms: the scan's p99 is ${round(p99 / floorP99, 1)}× it`);
  const file = writeResult('inventory-audit.json', {
    flags,
    latency: { fromSchedule: latency.fromSchedule.summary(), fromSend: latency.fromSend.summary() },
    floor: { fromSchedule: bare.fromSchedule.summary(), fromSend: bare.fromSend.summary() },
    authMe: { fromSchedule: floor.fromSchedule.summary(), fromSend: floor.fromSend.summary() },
    throughput,
    checks,
    counts,
    plannedCounts,
  });
  console.log(`wrote ${file}`);
  printSummary({
    bench: 'inventory-audit',
    database: 'postgres',
    figure: { name: 'scan p99', value: round(p99), unit: 'ms' },
    baseline: { name: 'bare SQL scan p99', value: round(bareP99) },
    better: 'lower',
    target: { on: 'figure', op: '<', value: SCAN_TARGET_P99_MS },
    noisy: (cpu.other ?? 0) > 0.25,
    note:
      `${count} scans by ${flags.scanners} scanners (${pace}) on ${counts.items} items${flags.quick ? ' (quick)' : ''}; ` +
      `auth.me p99 ${round(floorP99)} ms; report ${addsUp && reportAddsUp ? 'adds up' : 'does NOT add up'}; ` +
      `checks ${allChecks ? 'all held' : 'FAILED'}`,
  });
  return targetMet && allChecks ? 0 : 1;
});

/** An asset page's address, as its QR label carries it (what scans.ts reads). */
const ASSET_PAGE = /\/inventario\/ativos\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=[/?#]|$)/i;
const RANK: Partial<Record<InventoryAuditItemStatus, number>> = { PENDING: 0, WRONG_LOCATION: 1, FOUND: 2 };

interface BareItem {
  id: string;
  expected: boolean;
  expected_location_id: string | null;
  status: InventoryAuditItemStatus;
}

/**
 * The floor under a scan: what classifying it and recording it take, as bare SQL on a plain pg
 * pool as the tables' owner. One transaction: the asset the code names with its item locked (an
 * asset nobody expected gets its UNEXPECTED item), the app's classification, then the scan row
 * inserted and counted on the item in one statement (a retried clientScanId counts nothing).
 */
async function bareScanFloor(url: string, tenantId: string, auditId: string, poolSize: number) {
  const pool = await openFloorPool(url, poolSize);
  return (scan: PlannedScan, scannedBy: string): Promise<Planned> =>
    inPoolTransaction(pool, async (client) => {
      const assetId = ASSET_PAGE.exec(scan.code)?.[1]?.toLowerCase();
      const typed = scan.code.trim();
      const named = assetId
        ? { where: 'id = $3::uuid', order: '', value: assetId }
        : { where: 'tag = any($3::text[])', order: 'order by tag = $4 desc', value: [...new Set([typed, typed.toUpperCase()])] };
      const {
        rows: [found],
      } = await client.query<BareItem & { asset_id: string }>(
        `with asset as (select id from inventory_assets where tenant_id = $1 and ${named.where} ${named.order} limit 1),
              item as (select * from inventory_audit_items where audit_id = $2 and asset_id = (select id from asset) for update)
         select asset.id as asset_id, item.id, item.expected, item.expected_location_id, item.status from asset left join item on true`,
        assetId ? [tenantId, auditId, named.value] : [tenantId, auditId, named.value, typed],
      );
      if (!found) return 'UNKNOWN'; // nothing read for update, nothing written
      let item: BareItem | undefined = found.id ? found : undefined;
      if (!item) {
        const added = await client.query<BareItem>(
          `insert into inventory_audit_items (tenant_id, audit_id, asset_id, expected, found_location_id, status)
           values ($1, $2, $3, false, $4, 'UNEXPECTED') on conflict (audit_id, asset_id) do nothing returning *`,
          [tenantId, auditId, found.asset_id, scan.locationId],
        );
        item =
          added.rows[0] ??
          (
            await client.query<BareItem>('select * from inventory_audit_items where audit_id = $1 and asset_id = $2 for update', [
              auditId,
              found.asset_id,
            ])
          ).rows[0]!;
      }
      const result = classifyScan(item, scan.locationId);
      const improves = (RANK[result] ?? -1) > (RANK[item.status] ?? Number.POSITIVE_INFINITY);
      await client.query(
        `with scan as (
           insert into inventory_audit_scans (tenant_id, audit_id, asset_id, code, location_id, result, scanned_by, client_scan_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (audit_id, client_scan_id) do nothing returning id)
         update inventory_audit_items set scan_count = scan_count + 1, first_scanned_by = coalesce(first_scanned_by, $7),
           first_scanned_at = coalesce(first_scanned_at, now()),
           status = case when $9 then $6 else status end, found_location_id = case when $9 then $5 else found_location_id end
         where id = $10 and exists (select from scan)`,
        [tenantId, auditId, found.asset_id, scan.code, scan.locationId, result, scannedBy, scan.clientScanId ?? null, improves, item.id],
      );
      return result;
    });
}
