import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../../test/support/app';
import { expectTrpcError, ownerCaller, storedEvents, type Caller } from '../../../../test/support/identity';
import { assetState, seedAsset, seedPlace, seedSupplier } from '../../../../test/support/inventory-audits';
import { withTenant } from '../../../db/tenant-scope';
import type { Services } from '../../../services';
import { systemAudit } from '../../../platform/audit/audit-log';
import { createOrder } from './orders';
import { nextRunAfter, runDueMaintenancePlans } from './plans';
import { slaClock } from './sla-clock';
import { raiseSlaNotices } from './sla-notices';

const HOUR = 3_600_000;
const SLA = {
  low: { respondHours: 24, resolveHours: 96 },
  medium: { respondHours: 8, resolveHours: 48 },
  high: { respondHours: 2, resolveHours: 8 },
  critical: { respondHours: 1, resolveHours: 4 },
};

describe('inventory maintenance: orders with a state machine, SLA contracts and their clock, plans that open orders once', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let roomId: string;
  let supplierId: string;
  let contractId: string;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['inventory'] });
    owner = await ownerCaller(services, tenant);
    roomId = (await seedPlace(services.db, tenant.tenantId, { name: 'Oficina' })).id;
    supplierId = await seedSupplier(services.db, tenant.tenantId);
    contractId = (
      await owner.inventory.maintenance.contracts.create({ supplierId, name: 'Suporte 24h', startDate: '2020-01-01', sla: SLA })
    ).id;
  });
  afterAll(async () => {
    await services.close();
  });

  const newAsset = (name: string, status?: 'on_loan' | 'lost') =>
    seedAsset(services.db, tenant.tenantId, { name, locationId: roomId, ...(status ? { status } : {}) });
  const orders = () => owner.inventory.maintenance.orders;
  const alertsOf = (orderId: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('inventory_alerts')
        .select(['source_key', 'severity'])
        .where('source_key', 'like', `%:${orderId}:%`)
        .orderBy('created_at')
        .execute(),
    );
  const eventsOf = async (type: string, orderId: string) =>
    (await storedEvents(services, tenant.tenantId, type)).filter((event) => (event.data as { orderId: string }).orderId === orderId);

  it('keeps contracts with an SLA per priority, and refuses one that does not add up', async () => {
    const contract = await owner.inventory.maintenance.contracts.get({ id: contractId });
    expect(contract).toMatchObject({ name: 'Suporte 24h', inForce: true, supplier: { id: supplierId }, sla: SLA });
    const inverted = await expectTrpcError(
      owner.inventory.maintenance.contracts.create({
        supplierId,
        name: 'Invertido',
        startDate: '2026-01-01',
        sla: { ...SLA, high: { respondHours: 10, resolveHours: 2 } },
      }),
      'BAD_REQUEST',
    );
    expect(JSON.stringify(inverted.zodError)).toContain('O prazo de solução não pode ser menor que o de resposta');
    await expectTrpcError(
      owner.inventory.maintenance.contracts.create({ supplierId, name: 'Datas', startDate: '2026-02-01', endDate: '2026-01-01', sla: SLA }),
      'BAD_REQUEST',
    );
    await expectTrpcError(
      owner.inventory.maintenance.contracts.update({ id: contractId, endDate: '2019-01-01' }),
      'BAD_REQUEST',
      'INVALID_DATES',
    );
    await expectTrpcError(
      owner.inventory.maintenance.contracts.create({
        supplierId: crypto.randomUUID(),
        name: 'Sem fornecedor',
        startDate: '2026-01-01',
        sla: SLA,
      }),
      'NOT_FOUND',
    );
  });

  it('opens an order numbered per tenant, takes the asset into maintenance, and gives it the contract deadlines', async () => {
    const asset = await newAsset('Impressora laser');
    const plain = await orders().create({ assetId: asset.id, title: 'Trocar toner' });
    expect(plain).toMatchObject({
      status: 'open',
      priority: 'medium',
      sla: { respond: null, resolve: null },
      moves: ['in_progress', 'waiting_parts', 'cancelled'],
    });
    expect((await assetState(services.db, tenant.tenantId, asset.id)).status).toBe('in_maintenance');
    const withSla = await orders().create({ assetId: asset.id, title: 'Fusor', priority: 'critical', contractId });
    expect(withSla.number).toBe(plain.number + 1);
    expect(withSla.supplier?.id).toBe(supplierId);
    const opened = Date.parse(withSla.createdAt);
    expect(Date.parse(withSla.sla.respond!.deadline)).toBe(opened + HOUR);
    expect(Date.parse(withSla.sla.resolve!.deadline)).toBe(opened + 4 * HOUR);
    expect(withSla.sla.respond).toMatchObject({ state: 'running', doneAt: null });
    expect((await eventsOf('inventory.maintenance.order_created', withSla.id))[0]?.data).toMatchObject({ number: withSla.number });

    const lent = await newAsset('Notebook emprestado', 'on_loan');
    await expectTrpcError(orders().create({ assetId: lent.id, title: 'Revisão' }), 'CONFLICT', 'ASSET_ON_LOAN');
    const lost = await newAsset('Câmera perdida', 'lost');
    await expectTrpcError(orders().create({ assetId: lost.id, title: 'Revisão' }), 'CONFLICT', 'ASSET_NOT_SERVICEABLE');
    const expired = await owner.inventory.maintenance.contracts.create({
      supplierId,
      name: 'Vencido',
      startDate: '2020-01-01',
      endDate: '2020-12-31',
      sla: SLA,
    });
    expect(expired.inForce).toBe(false);
    await expectTrpcError(orders().create({ assetId: asset.id, title: 'X', contractId: expired.id }), 'CONFLICT', 'CONTRACT_NOT_IN_FORCE');
    const otherSupplier = await seedSupplier(services.db, tenant.tenantId, 'Outra assistência');
    await expectTrpcError(
      orders().create({ assetId: asset.id, title: 'X', contractId, supplierId: otherSupplier }),
      'BAD_REQUEST',
      'SUPPLIER_MISMATCH',
    );
    await expectTrpcError(orders().create({ assetId: crypto.randomUUID(), title: 'X' }), 'NOT_FOUND');
  });

  it('moves orders by the state machine (409 with the current state otherwise), responds, closes, rates and hands the asset back', async () => {
    const asset = await newAsset('Ar-condicionado');
    const order = await orders().create({ assetId: asset.id, title: 'Limpeza', priority: 'high', contractId });
    const refused = await expectTrpcError(orders().move({ id: order.id, to: 'done' }), 'CONFLICT', 'INVALID_TRANSITION');
    expect(refused.details).toMatchObject({ currentState: 'open' });
    await expectTrpcError(orders().rate({ id: order.id, rating: 5 }), 'CONFLICT', 'ORDER_NOT_DONE');

    const started = await orders().move({ id: order.id, to: 'in_progress' });
    expect(started.respondedAt).not.toBeNull();
    expect(started.sla.respond?.state).toBe('met');
    const waiting = await orders().move({ id: order.id, to: 'waiting_parts' });
    expect(waiting.respondedAt).toBe(started.respondedAt);
    await orders().move({ id: order.id, to: 'in_progress' });
    await expectTrpcError(orders().move({ id: order.id, to: 'in_progress', costCents: 100 }), 'BAD_REQUEST');
    const done = await orders().move({ id: order.id, to: 'done', costCents: 35_000 });
    expect(done).toMatchObject({ status: 'done', costCents: 35_000, moves: [], canRate: true });
    expect(done.closedAt).not.toBeNull();
    expect(done.sla.resolve?.state).toBe('met');
    expect((await assetState(services.db, tenant.tenantId, asset.id)).status).toBe('available');
    for (const to of ['in_progress', 'waiting_parts', 'done', 'cancelled'] as const)
      expect((await expectTrpcError(orders().move({ id: order.id, to }), 'CONFLICT', 'INVALID_TRANSITION')).details).toMatchObject({
        currentState: 'done',
      });
    await expectTrpcError(orders().update({ id: order.id, title: 'Depois' }), 'CONFLICT', 'ORDER_CLOSED');
    expect(await orders().rate({ id: order.id, rating: 4, comment: 'Rápido e limpo' })).toMatchObject({
      rating: 4,
      ratingComment: 'Rápido e limpo',
    });
    await expectTrpcError(orders().rate({ id: order.id, rating: 6 }), 'BAD_REQUEST');

    // Two orders on one asset: it stays in maintenance until the last one closes; a cancel is no response.
    const first = await orders().create({ assetId: asset.id, title: 'Gás' });
    const second = await orders().create({ assetId: asset.id, title: 'Dreno' });
    const cancelled = await orders().move({ id: first.id, to: 'cancelled' });
    expect(cancelled).toMatchObject({ status: 'cancelled', respondedAt: null });
    expect((await assetState(services.db, tenant.tenantId, asset.id)).status).toBe('in_maintenance');
    await orders().move({ id: second.id, to: 'cancelled' });
    expect((await assetState(services.db, tenant.tenantId, asset.id)).status).toBe('available');
    expect((await eventsOf('inventory.maintenance.order_updated', order.id)).length).toBe(5);
  });

  it('edits a running order; a new priority moves its deadlines from the opening', async () => {
    const asset = await newAsset('Servidor');
    const order = await orders().create({ assetId: asset.id, title: 'Disco', priority: 'low', contractId });
    const edited = await orders().update({ id: order.id, priority: 'critical', title: 'Disco com falha', costCents: 1000 });
    expect(edited).toMatchObject({ title: 'Disco com falha', priority: 'critical', costCents: 1000 });
    expect(Date.parse(edited.sla.respond!.deadline)).toBe(Date.parse(order.createdAt) + HOUR);
  });

  it('reads the SLA clock: running, warning at the percent, breached, met or missed, stopped', () => {
    const opened = new Date('2026-12-10T12:00:00Z');
    const order = {
      created_at: opened,
      status: 'open' as const,
      responded_at: null,
      closed_at: null,
      respond_by: new Date(opened.getTime() + 10 * HOUR),
      resolve_by: null,
    };
    const at = (hours: number) => new Date(opened.getTime() + hours * HOUR);
    expect(slaClock(order, 'respond', 80, at(1))).toMatchObject({ state: 'running', remainingMs: 9 * HOUR, warnsAt: at(8).toISOString() });
    expect(slaClock(order, 'respond', 80, at(8))?.state).toBe('warning');
    expect(slaClock(order, 'respond', 80, at(11))).toMatchObject({ state: 'breached', remainingMs: -HOUR });
    expect(slaClock({ ...order, responded_at: at(3) }, 'respond', 80, at(11))?.state).toBe('met');
    expect(slaClock({ ...order, responded_at: at(12) }, 'respond', 80, at(13))?.state).toBe('missed');
    expect(slaClock({ ...order, status: 'cancelled' }, 'respond', 80, at(11))?.state).toBe('stopped');
    expect(slaClock(order, 'resolve', 80, at(1))).toBeNull();
  });

  it('warns at the warning percent and alerts the breach, each once, however often (and however many at once) the job runs', async () => {
    const asset = await newAsset('Nobreak');
    const opened = new Date(Date.now() - 10 * 60_000);
    const order = await withTenant(services.db, tenant.tenantId, (trx) =>
      createOrder(trx, systemAudit('teste'), { assetId: asset.id, title: 'Bateria', priority: 'critical', contractId }, opened),
    );
    const at = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);
    // The job reads every tenant's orders: what it gives this one is read from this one's alerts.
    const notices = async () =>
      (await alertsOf(order.id)).map((alert) => alert.source_key!.split(':')[0] + ':' + alert.source_key!.split(':')[2]);
    await raiseSlaNotices(services.db, at(30));
    expect(await notices()).toEqual([]);
    // 80 % of the hour to respond: 48 minutes.
    await Promise.all([raiseSlaNotices(services.db, at(49)), raiseSlaNotices(services.db, at(49))]);
    expect(await notices()).toEqual(['sla-warning:respond']);
    await raiseSlaNotices(services.db, at(50));
    await raiseSlaNotices(services.db, at(61));
    await raiseSlaNotices(services.db, at(62));
    expect(await notices()).toEqual(['sla-warning:respond', 'sla-breach:respond']);
    // The resolve deadline (4 h) warns at 3 h 12 min; first seen after 4 h, it gets the breach only.
    await raiseSlaNotices(services.db, at(4 * 60 + 1));
    await raiseSlaNotices(services.db, at(5 * 60));
    expect((await alertsOf(order.id)).map((alert) => alert.source_key)).toEqual([
      `sla-warning:${order.id}:respond`,
      `sla-breach:${order.id}:respond`,
      `sla-breach:${order.id}:resolve`,
    ]);
    expect((await eventsOf('inventory.maintenance.sla_warning', order.id)).map((event) => event.data)).toEqual([
      expect.objectContaining({ deadline: 'respond', number: order.number }),
    ]);
    expect(
      (await eventsOf('inventory.maintenance.sla_breached', order.id)).map((event) => (event.data as { deadline: string }).deadline),
    ).toEqual(['respond', 'resolve']);
    const breached = await orders().get({ id: order.id });
    // The job ran "in the future": the mark is set, while the clock still reads the real time.
    expect(breached.sla.breachedAt).toBe(at(61).toISOString());
  });

  it('gives no respond notice once the order responded, and none at all once it is closed', async () => {
    const asset = await newAsset('Elevador');
    const opened = new Date(Date.now() - 5 * 60_000);
    const order = await withTenant(services.db, tenant.tenantId, (trx) =>
      createOrder(trx, systemAudit('teste'), { assetId: asset.id, title: 'Cabo', priority: 'critical', contractId }, opened),
    );
    await orders().move({ id: order.id, to: 'in_progress' });
    await raiseSlaNotices(services.db, new Date(opened.getTime() + 2 * HOUR));
    expect((await alertsOf(order.id)).map((alert) => alert.source_key)).toEqual([]);
    await orders().move({ id: order.id, to: 'done' });
    await raiseSlaNotices(services.db, new Date(opened.getTime() + 10 * HOUR));
    expect(await alertsOf(order.id)).toEqual([]);
  });

  it('opens the order of a due plan once per due date: a rerun and a concurrent run are no-ops; then the plan moves on', async () => {
    const asset = await newAsset('Gerador');
    const now = new Date('2026-12-10T15:00:00Z'); // 12:00 in São Paulo
    const plan = await owner.inventory.maintenance.plans.create({
      assetId: asset.id,
      title: 'Revisão mensal',
      period: 'interval',
      intervalDays: 30,
      nextRun: '2026-12-10',
      contractId,
      supplierId,
      priority: 'high',
    });
    const runs = await Promise.all([
      runDueMaintenancePlans(services.db, tenant.tenantId, now),
      runDueMaintenancePlans(services.db, tenant.tenantId, now),
    ]);
    expect(runs.reduce((sum, run) => sum + run.created, 0)).toBe(1);
    expect((await runDueMaintenancePlans(services.db, tenant.tenantId, now)).created).toBe(0);
    const made = (await orders().list({ assetId: asset.id })).items;
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      scheduleId: plan.id,
      dueDate: '2026-12-10',
      title: 'Revisão mensal',
      priority: 'high',
      contract: { id: contractId },
    });
    expect(made[0]!.sla.resolve).not.toBeNull();
    expect(await owner.inventory.maintenance.plans.get({ id: plan.id })).toMatchObject({
      nextRun: '2027-01-09',
      lastRun: '2026-12-10',
      active: true,
    });

    // A plan by date runs once and ends.
    const once = await owner.inventory.maintenance.plans.create({
      assetId: asset.id,
      title: 'Laudo',
      period: 'date',
      nextRun: '2026-12-09',
    });
    expect((await runDueMaintenancePlans(services.db, tenant.tenantId, now)).created).toBe(1);
    expect(await owner.inventory.maintenance.plans.get({ id: once.id })).toMatchObject({ active: false, lastRun: '2026-12-09' });
    expect((await runDueMaintenancePlans(services.db, tenant.tenantId, now)).created).toBe(0);
  });

  it('waits for an asset out on loan, and skips the periods it missed instead of making them up', async () => {
    const asset = await newAsset('Projetor emprestado', 'on_loan');
    const now = new Date('2026-12-10T15:00:00Z');
    const plan = await owner.inventory.maintenance.plans.create({
      assetId: asset.id,
      title: 'Lâmpada',
      period: 'interval',
      intervalDays: 7,
      nextRun: '2026-11-01',
    });
    expect(await runDueMaintenancePlans(services.db, tenant.tenantId, now)).toMatchObject({ deferred: 1 });
    expect((await owner.inventory.maintenance.plans.get({ id: plan.id })).nextRun).toBe('2026-11-01');
    await withTenant(services.db, tenant.tenantId, (trx) =>
      trx.updateTable('inventory_assets').set({ status: 'available' }).where('id', '=', asset.id).execute(),
    );
    expect(await runDueMaintenancePlans(services.db, tenant.tenantId, now)).toMatchObject({ created: 1, deferred: 0 });
    expect((await owner.inventory.maintenance.plans.get({ id: plan.id })).nextRun).toBe('2026-12-13');
    expect(nextRunAfter('2026-11-01', 7, '2026-11-08')).toBe('2026-11-15');
    expect(nextRunAfter('2026-11-01', 7, '2026-11-07')).toBe('2026-11-08');
  });

  it('refuses bad plans and orders with 400 and the field', async () => {
    const asset = await newAsset('Bebedouro');
    const noInterval = await expectTrpcError(
      owner.inventory.maintenance.plans.create({ assetId: asset.id, title: 'Filtro', period: 'interval', nextRun: '2026-12-10' }),
      'BAD_REQUEST',
    );
    expect(noInterval.zodError?.fieldErrors.intervalDays).toBeDefined();
    await expectTrpcError(
      owner.inventory.maintenance.plans.create({ assetId: asset.id, title: 'Filtro', period: 'date', nextRun: '10/12/2026' }),
      'BAD_REQUEST',
    );
    const plan = await owner.inventory.maintenance.plans.create({
      assetId: asset.id,
      title: 'Filtro',
      period: 'date',
      nextRun: '2027-01-10',
    });
    await expectTrpcError(owner.inventory.maintenance.plans.update({ id: plan.id, period: 'interval' }), 'BAD_REQUEST');
    expect(await owner.inventory.maintenance.plans.update({ id: plan.id, period: 'interval', intervalDays: 90 })).toMatchObject({
      period: 'interval',
      intervalDays: 90,
    });
    const blank = await expectTrpcError(orders().create({ assetId: asset.id, title: '   ' }), 'BAD_REQUEST');
    expect(blank.zodError?.fieldErrors.title).toEqual(['Informe o título']);
    await expectTrpcError(orders().create({ assetId: asset.id, title: 'X', priority: 'urgent' as 'high' }), 'BAD_REQUEST');
    await expectTrpcError(orders().list({ cursor: 'bogus' }), 'BAD_REQUEST', 'INVALID_CURSOR');
  });
});
