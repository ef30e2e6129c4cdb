import pg from 'pg';
import { createDatabase } from '../../src/db/database';
import { containing } from '../../src/db/like-patterns';
import { migrateToLatest } from '../../src/db/migrator';
import { withTenant } from '../../src/db/tenant-scope';
import { listAssets } from '../../src/domains/inventory/assets/asset-search';
import { inventorySummary } from '../../src/domains/inventory/assets/dashboard';
import { listLocations, locationCounts } from '../../src/domains/inventory/assets/locations';
import { listAssetsInput } from '../../src/domains/inventory/assets/schemas';
import { syncBuiltinRoles } from '../../src/domains/identity/roles';
import {
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
  waitForQuietMachine,
  writeResult,
  openFloorPool,
} from './support';

const HELP = `Usage: npm run bench:inventory-search -- [--assets 1000000] [--calls 300] [--warmup 30] [--quick] [--keep] [--reuse]

The inventory's search and location counts over many assets, on a database (balcao_bench_inventory_search)
migrated with the app's migrator: one tenant (createTenant, module inventory) with a location tree of
5 units × 4 buildings × 5 floors × 10 rooms (1,000 rooms), 60 categories (10 × 5 subcategories) and
--assets assets spread evenly over the rooms (so each building holds --assets / 20: 50,000 of 1 M),
written with insert … select … from generate_series in chunks (the table's secondary indexes dropped
for the fill and built again after, as the migration defines them), then VACUUM ANALYZE. Names are
"<model> <number>" over 40 models; serials are 12 hex characters; 80 % have a patrimônio.
Filling takes a few minutes: with --keep the database stays, and with --reuse a kept one with the same
fill is used again.
Then, in this process, each figure's logic function in its own tenant transaction as app_rls (what
the procedure runs, without HTTP): --warmup untimed calls, then --calls timed ones, each with a
different random target, and beside each call its floor on the same target: the same selects the
logic sends, as bare SQL on a plain pg pool of the same size (the tables' owner, the tenant set once
per connection for the search functions; no transaction, no row-level security, no Kysely), the two
taking turns to go first:
  search by tag        inventory.assets.list({ q: <a tag, lower case> })          target p95 < 20 ms
  search by serial     inventory.assets.list({ q: <a serial> })                   target p95 < 20 ms
  search by name       inventory.assets.list({ q: <a full name> | <a model word> }) (half rare, half common) target p95 < 20 ms
  subtree counts       inventory.locations.counts({ locationId: <a building, 50k assets> }) target p95 < 50 ms
and, for information (no target): a tenant transaction with one trivial read, the dashboard summary over
the whole tenant and inventory.locations.list (both read every asset's place).
Checks (exit 1): a tag search answers that asset first; a building's counts equal a count in SQL; the
floor's statements answer the same assets (and counts) as the logic.
Summary line: the slowest search's p95 (target < 20 ms) against its floor's p95.

  --assets   assets (default 1000000)
  --calls    timed calls per figure (default 300)
  --warmup   untimed calls first, per figure (default 30)
  --quick    20,000 assets (a building holds 1,000), 100 calls, 10 warm-up, on its own database
             (balcao_bench_inventory_search_quick): the same checks in about 30 s
  --keep     keep the database balcao_bench_inventory_search afterwards
  --reuse    use a kept database with the same fill instead of filling again
Writes .bench/inventory-search.json.`;

const SLUG = 'bench-inventory-search';
const SEED_VERSION = 1;
const CHUNK = 250_000;
const SEARCH_TARGET_P95_MS = 20;
const COUNTS_TARGET_P95_MS = 50;
const INFO_CALLS = 10;
const given = parseFlags(HELP, { assets: 1_000_000, calls: 300, warmup: 30 }, ['reuse', 'quick']);
const explicit = (name: string) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const flags = given.quick
  ? {
      ...given,
      assets: explicit('assets') ? given.assets : 20_000,
      calls: explicit('calls') ? given.calls : 100,
      warmup: explicit('warmup') ? given.warmup : 10,
    }
  : given;
// A quick run never drops a kept full-size fill.
const DATABASE = flags.quick ? 'balcao_bench_inventory_search_quick' : 'balcao_bench_inventory_search';

const MODELS = [
  'Notebook Dell Latitude',
  'Notebook Lenovo ThinkPad',
  'Notebook HP ProBook',
  'Monitor LG UltraWide',
  'Monitor Samsung Odyssey',
  'Monitor Dell P2422H',
  'Cadeira ergonômica Flexform',
  'Cadeira Cavaletti',
  'Mesa de escritório',
  'Mesa de reunião',
  'Armário de aço',
  'Arquivo de pastas',
  'Impressora HP LaserJet',
  'Impressora Epson EcoTank',
  'Projetor Epson PowerLite',
  'Tablet Samsung Galaxy',
  'iPad Apple',
  'Smartphone Motorola',
  'Telefone IP Grandstream',
  'Roteador Cisco',
  'Switch TP-Link',
  'Nobreak SMS',
  'Servidor Dell PowerEdge',
  'Desktop Positivo',
  'Teclado Logitech',
  'Mouse Logitech',
  'Webcam Logitech',
  'Headset Jabra',
  'Ar-condicionado Springer',
  'Geladeira Consul',
  'Micro-ondas Electrolux',
  'Bebedouro Libell',
  'Televisão Samsung',
  'Câmera Canon',
  'Scanner Fujitsu',
  'Leitor de código Zebra',
  'Furadeira Bosch',
  'Escada de alumínio',
  'Extintor de incêndio',
  'Carrinho de carga',
];
const STATUSES =
  "case when x.r < 0.85 then 'available' when x.r < 0.93 then 'in_use' when x.r < 0.96 then 'on_loan' when x.r < 0.98 then 'in_maintenance' else 'disposed' end";

interface Marker {
  seed: number;
  assets: number;
}

runBench(async () => {
  const url = databaseUrl(DATABASE);
  const wanted: Marker = { seed: SEED_VERSION, assets: flags.assets };
  const marker = flags.reuse && (await databaseExists(DATABASE)) ? await readMarker() : undefined;
  const reuse = marker !== undefined && JSON.stringify(marker) === JSON.stringify(wanted);
  if (flags.reuse && !reuse) console.log(`no kept ${DATABASE} with this fill (${marker ? JSON.stringify(marker) : 'none'}): filling again`);
  if (!reuse) await recreateDatabase(DATABASE);
  if (!flags.keep) onCleanup(() => dropDatabase(DATABASE));
  const database = await createDatabase({ kind: 'postgres', url, poolSize: 2 });
  onCleanup(() => database.close());
  await migrateToLatest(database);
  await syncBuiltinRoles(database.db);
  const pool = ownerPool(url);

  let tenantId: string;
  let fillSeconds: Record<string, number> | null = null;
  if (reuse) {
    console.log(`reusing ${DATABASE} (${JSON.stringify(marker)})`);
    tenantId = (await pool.query<{ id: string }>('select id from tenants where slug = $1', [SLUG])).rows[0]!.id;
  } else {
    tenantId = (await seedBenchTenant(database.db, SLUG, 0, ['inventory'])).tenantId;
    fillSeconds = await fill(pool, tenantId);
    await pool.query(`comment on database ${DATABASE} is '${JSON.stringify(wanted)}'`);
  }
  const { rows: sizes } = await pool.query<{ assets: string; size: string; database: string }>(
    `select (select count(*) from inventory_assets) as assets, pg_size_pretty(pg_total_relation_size('inventory_assets')) as size,
            pg_size_pretty(pg_database_size(current_database())) as database`,
  );
  console.log(`${sizes[0]!.assets} assets (${sizes[0]!.size} with indexes), database ${sizes[0]!.database}`);

  // Targets, drawn from the data: a random asset's tag, serial and name; the buildings.
  const { rows: samples } = await pool.query<{ tag: string; serial_number: string; name: string }>(
    `select tag, serial_number, name from inventory_assets tablesample system (1) where tenant_id = $1 limit 2000`,
    [tenantId],
  );
  const { rows: buildings } = await pool.query<{ id: string }>(
    `select id from inventory_locations where tenant_id = $1 and type = 'building'`,
    [tenantId],
  );
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
  const inTenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, tenantId, work);
  const search = (q: string) => inTenant((trx) => listAssets(trx, listAssetsInput.parse({ q })));
  const floor = await bareSqlFloor(url, tenantId);

  // Correctness first.
  const probe = pick(samples);
  const found = await search(probe.tag.toLowerCase());
  const foundBare = await floor.search(probe.tag.toLowerCase());
  const word = MODELS[0]!.split(' ')[0]!;
  const byWord = await search(word);
  const byWordBare = await floor.search(word);
  const building = pick(buildings).id;
  const counted = await inTenant((trx) => locationCounts(trx, building));
  const countedBare = await floor.counts(building);
  const {
    rows: [sqlCount],
  } = await pool.query<{ count: string }>(
    `select count(*) from inventory_assets a join inventory_locations l on l.id = a.location_id
     where a.tenant_id = $1 and l.path like (select path from inventory_locations where id = $2) || '%'`,
    [tenantId, building],
  );
  const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);
  const checks = [
    { check: 'a tag search answers that asset first', value: found.items[0]?.tag ?? '(none)', ok: found.items[0]?.tag === probe.tag },
    {
      check: "a building's counts = count in SQL",
      value: `${counted.total} / ${sqlCount!.count}`,
      ok: counted.total === Number(sqlCount!.count),
    },
    {
      check: 'floor: the same assets as the search, in order (a tag; a common word)',
      value: `${foundBare.length} / ${found.items.length}; ${byWordBare.length} / ${byWord.items.length}`,
      ok:
        sameIds(
          foundBare,
          found.items.map((item) => item.id),
        ) &&
        sameIds(
          byWordBare,
          byWord.items.map((item) => item.id),
        ),
    },
    { check: "floor: the same building's total", value: `${countedBare} / ${counted.total}`, ok: countedBare === counted.total },
  ];

  const words = [...new Set(MODELS.map((model) => model.split(' ')[0]!))];
  /** Each call's target, then the logic's call and its bare SQL floor on that same target. */
  const searchOf = (q: string) => ({ app: () => search(q), floor: () => floor.search(q) });
  const countsOf = (locationId: string) => ({
    app: () => inTenant((trx) => locationCounts(trx, locationId)),
    floor: () => floor.counts(locationId),
  });
  const figures: Array<{
    figure: string;
    calls: number;
    target?: number;
    kind?: string;
    next: () => { app: () => Promise<unknown>; floor?: () => Promise<unknown> };
  }> = [
    {
      figure: 'search by tag',
      kind: 'tag',
      calls: flags.calls,
      target: SEARCH_TARGET_P95_MS,
      next: () => searchOf(pick(samples).tag.toLowerCase()),
    },
    {
      figure: 'search by serial',
      kind: 'serial',
      calls: flags.calls,
      target: SEARCH_TARGET_P95_MS,
      next: () => searchOf(pick(samples).serial_number),
    },
    {
      figure: 'search by name',
      kind: 'name',
      calls: flags.calls,
      target: SEARCH_TARGET_P95_MS,
      next: () => searchOf(Math.random() < 0.5 ? pick(samples).name : pick(words)),
    },
    {
      figure: `counts of a building (${round(flags.assets / 20)} assets)`,
      calls: flags.calls,
      target: COUNTS_TARGET_P95_MS,
      next: () => countsOf(pick(buildings).id),
    },
    {
      figure: 'a tenant transaction, one trivial read (info)',
      calls: flags.calls,
      next: () => ({ app: () => inTenant((trx) => trx.selectFrom('inventory_settings').select('tag_prefix').execute()) }),
    },
    {
      figure: 'dashboard summary, whole tenant (info)',
      calls: INFO_CALLS,
      next: () => ({ app: () => inTenant((trx) => inventorySummary(trx)) }),
    },
    {
      figure: 'locations.list({ withCounts: true }) (info)',
      calls: INFO_CALLS,
      next: () => ({ app: () => inTenant((trx) => listLocations(trx, { withCounts: true })) }),
    },
  ];

  const quiet = await waitForQuietMachine(flags.quick ? 10 : 60);
  const cpuBefore = cpuSnapshot({ bench: process.pid });
  const measureStartedAt = performance.now();
  const rows = [];
  const measured: Array<{ kind?: string; target?: number; app: ReturnType<Samples['summary']>; floor?: ReturnType<Samples['summary']> }> =
    [];
  for (const { figure, calls, target, kind, next } of figures) {
    for (let i = 0; i < Math.min(flags.warmup, calls); i += 1) {
      const call = next();
      await call.app();
      await call.floor?.();
    }
    const appTimings = new Samples();
    const floorTimings = new Samples();
    const timed = async (run: () => Promise<unknown>, into: Samples) => {
      const startedAt = performance.now();
      await run();
      into.add(performance.now() - startedAt);
    };
    for (let i = 0; i < calls; i += 1) {
      const call = next();
      // Taking turns to go first, so neither always runs on the other's warm cache.
      if (i % 2 === 0 || !call.floor) await timed(call.app, appTimings);
      if (call.floor) await timed(call.floor, floorTimings);
      if (i % 2 === 1 && call.floor) await timed(call.app, appTimings);
    }
    const app = appTimings.summary();
    const bare = floorTimings.count > 0 ? floorTimings.summary() : undefined;
    measured.push({ kind, target, app, floor: bare });
    rows.push({
      figure,
      count: app.count,
      'p50 ms': round(app.p50),
      'p95 ms': round(app.p95),
      'p99 ms': round(app.p99),
      'max ms': round(app.max),
      'floor p50 / p95 ms': bare ? `${round(bare.p50)} / ${round(bare.p95)}` : '—',
      'ratio p95': bare ? round(bare.p95 / app.p95) : '—',
      target: target === undefined ? '—' : `p95 < ${target} ms`,
      result: target === undefined ? '—' : app.p95 < target ? 'met' : 'NOT MET',
    });
  }
  const cpu = cpuCores(cpuBefore, cpuSnapshot({ bench: process.pid }), (performance.now() - measureStartedAt) / 1000);
  console.log(`\n${flags.assets} assets; machine ${quiet}% busy with other work before the run; cores: ${JSON.stringify(cpu)}`);
  printTable(rows);
  console.log();
  printTable(checks.map((check) => ({ ...check, ok: check.ok ? 'ok' : 'FAILED' })));
  const file = writeResult(flags.quick ? 'inventory-search-quick.json' : 'inventory-search.json', {
    flags,
    fillSeconds,
    sizes: sizes[0],
    figures: rows,
    checks,
    cpu,
  });
  console.log(`\nwrote ${file}`);
  const failed = checks.some((check) => !check.ok) || rows.some((row) => row.result === 'NOT MET');

  const searches = measured.filter((entry) => entry.kind !== undefined);
  const slowest = searches.reduce((worst, entry) => (entry.app.p95 > worst.app.p95 ? entry : worst));
  const counts = measured.find((entry) => entry.target === COUNTS_TARGET_P95_MS)!;
  const pair = (entry: (typeof measured)[number]) => `${round(entry.app.p95)} (floor ${round(entry.floor!.p95)})`;
  printSummary({
    bench: 'inventory-search',
    database: 'postgres',
    figure: { name: `search p95 (slowest: by ${slowest.kind})`, value: round(slowest.app.p95), unit: 'ms' },
    baseline: { name: 'the same selects as bare SQL, p95', value: round(slowest.floor!.p95) },
    better: 'lower',
    target: { on: 'figure', op: '<', value: SEARCH_TARGET_P95_MS },
    noisy: (cpu.other ?? 0) > 0.25,
    note:
      `${flags.assets.toLocaleString('en-US')} assets${flags.quick ? ' (quick)' : ''}, ${flags.calls} calls each; p95 ms: ` +
      searches.map((entry) => `${entry.kind} ${pair(entry)}`).join(', ') +
      `; a building's counts ${pair(counts)} (target < ${COUNTS_TARGET_P95_MS}); checks ${checks.every((check) => check.ok) ? 'all held' : 'FAILED'}`,
  });
  return failed ? 1 : 0;
});

/** An asset row with the names lists show, as the logic's selectAssetViews reads it. */
const ASSET_VIEW = `select asset.*, category.name as category_name, location.name as location_name, location.code as location_code,
    supplier.name as supplier_name
  from inventory_assets as asset
  left join inventory_categories as category on category.id = asset.category_id
  left join inventory_locations as location on location.id = asset.location_id
  left join inventory_suppliers as supplier on supplier.id = asset.supplier_id`;
const FIRST_PAGE = listAssetsInput.parse({}).limit;

/**
 * The floor under the logic: the statements listAssets and locationCounts send, as plain SQL on a
 * pg pool of the app's size, as the tables' owner (no row-level security, no transaction); the
 * tenant is set once per connection for the two search functions, which read it.
 */
async function bareSqlFloor(url: string, tenantId: string) {
  const floorPool = await openFloorPool(url, 2, `-c app.tenant_id=${tenantId}`);
  return {
    /** A first page's ids: the exact tag/serial/patrimônio matches, then the page of names containing the text. */
    async search(text: string): Promise<string[]> {
      const q = text.trim();
      const exact = await floorPool.query<{ id: string }>(
        `${ASSET_VIEW} where asset.tenant_id = $1 and asset.id in (select id from inventory_assets_with_code($2)) order by asset.tag limit 20`,
        [tenantId, q],
      );
      const named = await floorPool.query<{ id: string }>(
        `${ASSET_VIEW.replace('select asset.*,', 'select asset.*, hit.sort_key,')}
         inner join inventory_assets_named($1, $2, null::uuid[], null, null::text[], 'recent', null, null::uuid, $3) with ordinality as hit
           on hit.id = asset.id
         order by hit.ordinality`,
        [containing(q), q, FIRST_PAGE + 1],
      );
      return [...exact.rows, ...named.rows.slice(0, FIRST_PAGE)].map((row) => row.id);
    },
    /** A location subtree's assets by status and category, with the categories' names: the total. */
    async counts(locationId: string): Promise<number> {
      const {
        rows: [location],
      } = await floorPool.query<{ path: string }>('select * from inventory_locations where id = $1', [locationId]);
      const { rows } = await floorPool.query<{ status: string; category_id: string | null; count: string; value: string }>(
        `select status, category_id, count(*) as count, coalesce(sum(purchase_value_cents), 0) as value from inventory_assets
         where tenant_id = $1 and location_id in (select id from inventory_locations where tenant_id = $1 and path like $2)
         group by status, category_id`,
        [tenantId, `${location!.path}%`],
      );
      const categoryIds = [...new Set(rows.flatMap((row) => (row.category_id ? [row.category_id] : [])))];
      if (categoryIds.length > 0)
        await floorPool.query('select id, name from inventory_categories where id = any($1::uuid[])', [categoryIds]);
      return rows.reduce((sum, row) => sum + Number(row.count), 0);
    },
  };
}

async function readMarker(): Promise<Marker | undefined> {
  // From the server's admin database: a connection to the kept one would be cut when it is filled again.
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ comment: string | null }>(
      'select shobj_description(oid, $2) as comment from pg_database where datname = $1',
      [DATABASE, 'pg_database'],
    );
    return rows[0]?.comment ? (JSON.parse(rows[0].comment) as Marker) : undefined;
  } finally {
    await admin.end();
  }
}

/** The tree, the categories and the assets, in SQL as the tables' owner; the assets' secondary indexes are built after the fill. */
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
    await step('locations and categories', async () => {
      // Each level: one row per (parent, n), its path its parent's plus its own id.
      const level = async (type: string, parentType: string | null, count: number, name: string, code: string) =>
        client.query(
          `with made as (
             select gen_random_uuid() as id, p.id as parent_id, p.path as parent_path, p.code as parent_code, n
             from (select id, path, code from inventory_locations where tenant_id = $1 and type = $2::text
                   union all select null::uuid, '/', 'L' where $2::text is null) p
             cross join generate_series(1, $3::int) as n)
           insert into inventory_locations (id, tenant_id, parent_id, type, name, code, path)
           select id, $1, parent_id, $4, $5 || ' ' || n, parent_code || '-' || $6 || n, parent_path || id || '/' from made`,
          [tenantId, parentType, count, type, name, code],
        );
      await level('unit', null, 5, 'Unidade', 'U');
      await level('building', 'unit', 4, 'Prédio', 'P');
      await level('floor', 'building', 5, 'Andar', 'A');
      await level('room', 'floor', 10, 'Sala', 'S');
      await client.query(
        `insert into inventory_categories (tenant_id, name) select $1, 'Categoria ' || n from generate_series(1, 10) as n`,
        [tenantId],
      );
      await client.query(
        `insert into inventory_categories (tenant_id, parent_id, name)
         select $1, c.id, 'Subcategoria ' || n from inventory_categories c cross join generate_series(1, 5) as n where c.tenant_id = $1`,
        [tenantId],
      );
    });
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes
       where tablename = 'inventory_assets' and indexname not in ('inventory_assets_pkey', 'inventory_assets_tenant_id_tag_key')`,
    );
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    console.log(
      `filling ${flags.assets} assets in chunks of ${CHUNK} (indexes ${indexes.map((index) => index.name).join(', ')} dropped meanwhile)…`,
    );
    const models = `array[${MODELS.map((model) => `'${model}'`).join(', ')}]::text[]`;
    await step('assets', async () => {
      for (let start = 1; start <= flags.assets; start += CHUNK) {
        const end = Math.min(flags.assets, start + CHUNK - 1);
        await client.query(
          `insert into inventory_assets (tenant_id, name, category_id, tag, tag_number, patrimonio, serial_number, purchase_value_cents,
             purchase_date, location_id, status, created_at, updated_at)
           select $1, (${models})[1 + x.g % ${MODELS.length}] || ' ' || (x.g / ${MODELS.length}), c.ids[1 + x.g % array_length(c.ids, 1)],
             'PAT-' || lpad(x.g::text, 7, '0'), x.g, case when x.g % 5 <> 0 then 'PM-' || x.g end, upper(substr(md5(x.g::text), 1, 12)),
             (x.g::bigint * 7919) % 1000000, date '2020-01-01' + (x.g % 2000), r.ids[1 + x.g % array_length(r.ids, 1)], ${STATUSES},
             now() - make_interval(secs => ($3 - x.g) * 30), now()
           from (select g, random() as r from generate_series($2::int, $4::int) as g) x,
                (select array_agg(id order by id) as ids from inventory_categories where tenant_id = $1) c,
                (select array_agg(id order by path) as ids from inventory_locations where tenant_id = $1 and type = 'room') r`,
          [tenantId, start, flags.assets, end],
        );
        process.stdout.write(`\r  ${end} / ${flags.assets}`);
      }
      process.stdout.write('\n');
    });
    await client.query(
      `insert into inventory_settings (tenant_id, last_tag_number) values ($1, $2)
       on conflict (tenant_id) do update set last_tag_number = excluded.last_tag_number`,
      [tenantId, flags.assets],
    );
    await step('indexes', async () => {
      for (const index of indexes) await client.query(index.definition);
    });
    await step('vacuum analyze', () => client.query('vacuum analyze'));
  } finally {
    client.release();
  }
  return seconds;
}
