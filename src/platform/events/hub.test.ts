import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { createTestDatabase } from '../../../test/support/database';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import type { Services } from '../services';
import type { AppEvent } from './catalog';
import { appendEvent } from './outbox';
import { streamTenantEventBatches, streamTenantEvents } from './stream';
import { sql } from 'kysely';
import { withSystem } from '../../db/system-scope';

/** Starts consuming at once (the stream subscribes on its first pull) and resolves with `count` events. */
function collect(stream: AsyncGenerator<AppEvent>, count: number, timeoutMs = 5_000): Promise<AppEvent[]> {
  const received: AppEvent[] = [];
  const timer = setTimeout(() => void stream.return(undefined), timeoutMs);
  return (async () => {
    for await (const event of stream) {
      received.push(event);
      if (received.length === count) break;
    }
    clearTimeout(timer);
    return received;
  })();
}

const labelsOf = (events: AppEvent[]) => events.map((event) => (event.type === 'tenant.updated' ? event.data.changes[0] : event.type));

function announce(label: string) {
  return (trx: TenantTransaction) => appendEvent(trx, 'tenant.updated', { tenantId: 'ignored', changes: [label] });
}

describe('event hub and tenant streams', () => {
  let services: Services;
  let acme: TestTenant;
  let globex: TestTenant;

  const stream = (tenant: TestTenant, options: { lastEventId?: string; types?: ['tenant.updated'] } = {}) =>
    streamTenantEvents({ db: services.db, hub: services.hub, tenantId: tenant.tenantId, ...options });

  beforeAll(async () => {
    services = await createTestServices();
    acme = await seedTenant(services);
    globex = await seedTenant(services);
    await services.hub.flush();
  });
  afterAll(() => services.close());

  it('delivers committed events to their own tenant only, in commit order', async () => {
    const acmeEvents = collect(stream(acme), 3);
    const globexEvents = collect(stream(globex), 1);
    for (const label of ['one', 'two', 'three']) await withTenant(services.db, acme.tenantId, announce(label));
    await withTenant(services.db, globex.tenantId, announce('globex-only'));
    expect(labelsOf(await acmeEvents)).toEqual(['one', 'two', 'three']);
    expect(labelsOf(await globexEvents)).toEqual(['globex-only']);
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const events = collect(stream(acme), 1);
    await withTenant(services.db, acme.tenantId, async (trx) => {
      await announce('rolled-back')(trx);
      throw new Error('abort');
    }).catch(() => undefined);
    await withTenant(services.db, acme.tenantId, announce('kept'));
    expect(labelsOf(await events)).toEqual(['kept']);
  });

  it('replays what a reconnecting subscriber missed, then continues live without repeats', async () => {
    const seen = collect(stream(acme), 1);
    await withTenant(services.db, acme.tenantId, announce('seen'));
    const [lastSeen] = await seen;
    for (const label of ['missed-1', 'missed-2']) await withTenant(services.db, acme.tenantId, announce(label));
    await services.hub.flush();
    const resumed = collect(stream(acme, { lastEventId: lastSeen!.id }), 3);
    await withTenant(services.db, acme.tenantId, announce('live'));
    expect(labelsOf(await resumed)).toEqual(['missed-1', 'missed-2', 'live']);
  });

  it('hands a reader the events that arrived together as one batch, replayed ones included', async () => {
    const batches = streamTenantEventBatches({ db: services.db, hub: services.hub, tenantId: acme.tenantId });
    const first = batches.next(); // subscribes, then waits
    await withTenant(services.db, acme.tenantId, async (trx) => {
      for (const label of ['batch-1', 'batch-2', 'batch-3']) await announce(label)(trx);
    });
    const together = (await first).value as AppEvent[];
    expect(labelsOf(together)).toEqual(['batch-1', 'batch-2', 'batch-3']);
    await batches.return(undefined);

    for (const label of ['away-1', 'away-2']) await withTenant(services.db, acme.tenantId, announce(label));
    await services.hub.flush();
    const resumed = streamTenantEventBatches({ db: services.db, hub: services.hub, tenantId: acme.tenantId, lastEventId: together[2]!.id });
    expect(labelsOf((await resumed.next()).value as AppEvent[])).toEqual(['away-1', 'away-2']);
    const live = resumed.next();
    await withTenant(services.db, acme.tenantId, announce('after'));
    expect(labelsOf((await live).value as AppEvent[])).toEqual(['after']);
    await resumed.return(undefined);
  });

  it("keeps the order of one transaction's events when their ids cross a power of ten (live and replayed)", async () => {
    // 'before' takes p − 3, then one transaction takes p − 2 … p + 1 (98 … 101: as text, '100' < '98').
    await services.database.asOwner(async (owner) => {
      const { rows } = await sql<{ max: string }>`select coalesce(max(id), 0)::text as max from events`.execute(owner);
      const powerOfTen = 10 ** Math.ceil(Math.log10(Number(rows[0]!.max) + 4));
      await sql`select setval(pg_get_serial_sequence('events', 'id'), ${powerOfTen - 4})`.execute(owner);
    });
    const before = collect(stream(acme), 1);
    await withTenant(services.db, acme.tenantId, announce('before'));
    const [anchor] = await before;
    const labels = ['p-2', 'p-1', 'p', 'p+1'];
    const live = collect(stream(acme), 4);
    await withTenant(services.db, acme.tenantId, async (trx) => {
      for (const label of labels) await announce(label)(trx);
    });
    const delivered = await live;
    expect(labelsOf(delivered)).toEqual(labels);
    expect(new Set(delivered.map((event) => event.id.length)).size).toBe(2); // the ids did cross it
    await services.hub.flush();
    const replayed = collect(stream(acme, { lastEventId: anchor!.id }), 4);
    expect(labelsOf(await replayed)).toEqual(labels);
  });

  it("replays nothing for another tenant's event id", async () => {
    const globexSeen = collect(stream(globex), 1);
    await withTenant(services.db, globex.tenantId, announce('globex-secret'));
    const [globexEvent] = await globexSeen;
    const acmeResumed = collect(stream(acme, { lastEventId: globexEvent!.id }), 1);
    await withTenant(services.db, acme.tenantId, announce('acme-live'));
    expect(labelsOf(await acmeResumed)).toEqual(['acme-live']);
  });

  it('filters by event type', async () => {
    const filtered = collect(stream(acme, { types: ['tenant.updated'] }), 1);
    await withTenant(services.db, acme.tenantId, (trx) =>
      appendEvent(trx, 'role.updated', { roleId: acme.tenantId, key: 'x', name: 'x', change: 'updated' }),
    );
    await withTenant(services.db, acme.tenantId, announce('wanted'));
    expect(labelsOf(await filtered)).toEqual(['wanted']);
  });

  it('still delivers an event whose commit was never announced (crash between commit and publish)', async () => {
    const events = collect(stream(acme), 1);
    // Written as a crashed process would leave it: committed, with no wake-up sent.
    await withSystem(services.db, (trx) =>
      trx
        .insertInto('events')
        .values({
          tenant_id: acme.tenantId,
          type: 'tenant.updated',
          data: JSON.stringify({ tenantId: acme.tenantId, changes: ['silent'] }),
        })
        .execute(),
    );
    expect(labelsOf(await events)).toEqual(['silent']); // picked up by the hub's periodic poll
  });
});

// Two transactions committing out of id order need two connections: Postgres only
// (PGlite runs one transaction at a time, so the case cannot arise there).
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('events committed out of id order (Postgres)', () => {
  let services: Services;
  let acme: TestTenant;

  beforeAll(async () => {
    services = await createTestServices();
    acme = await seedTenant(services);
    await services.hub.flush();
  });
  afterAll(() => services.close());

  /**
   * A transaction whose event row is written (so it holds the lower id) and which then stays open.
   * appendEvent writes a transaction's events just before it commits, which makes this window
   * short, not impossible: the row is written here directly to hold it open at will.
   */
  function holdOpen(label: string) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wasWritten = new Promise<void>((resolve) => (written = resolve));
    const committed = withTenant(services.db, acme.tenantId, async (trx) => {
      await trx
        .insertInto('events')
        .values({ tenant_id: acme.tenantId, type: 'tenant.updated', data: JSON.stringify({ tenantId: acme.tenantId, changes: [label] }) })
        .execute();
      written();
      await released;
    });
    return { wasWritten, release, committed };
  }

  it('loses nothing when a later id commits first', async () => {
    const live = collect(streamTenantEvents({ db: services.db, hub: services.hub, tenantId: acme.tenantId }), 2);
    const early = holdOpen('lower-id');
    await early.wasWritten;
    await withTenant(services.db, acme.tenantId, announce('higher-id'));
    services.hub.wake(); // it polls, but must hold 'higher-id' back while 'lower-id' is open
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A client that saw everything so far and reconnects must still get the lower id later.
    const reconnecting = collect(streamTenantEvents({ db: services.db, hub: services.hub, tenantId: acme.tenantId }), 2);
    early.release();
    await early.committed;
    expect(labelsOf(await live)).toEqual(['lower-id', 'higher-id']);
    expect(labelsOf(await reconnecting)).toEqual(['lower-id', 'higher-id']);
  });

  it('is not held back by a long-running write in another database of the same server', async () => {
    const neighbour = await createTestDatabase();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wasWritten = new Promise<void>((resolve) => (written = resolve));
    const longTransaction = withSystem(neighbour.db, async (trx) => {
      await trx.insertInto('tenants').values({ slug: 'neighbour', name: 'Neighbour' }).execute();
      written();
      await released;
    });
    await wasWritten;
    const events = collect(streamTenantEvents({ db: services.db, hub: services.hub, tenantId: acme.tenantId }), 1, 2_000);
    await withTenant(services.db, acme.tenantId, announce('not-blocked'));
    expect(labelsOf(await events)).toEqual(['not-blocked']);
    release();
    await longTransaction;
    await neighbour.close();
  });
});
