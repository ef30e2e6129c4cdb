import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../../test/support/app';
import { expectTrpcError, storedEvents, trpcError } from '../../../../test/support/identity';
import {
  approvedLoan,
  externalLoan,
  inDays,
  loanOut,
  seedLendingWorld,
  TINY_SIGNATURE_PNG,
  transferTo,
  type LendingWorld,
} from '../../../../test/support/inventory-movements';
import { withTenant } from '../../../db/tenant-scope';
import { systemAudit } from '../../../platform/audit/audit-log';
import { changeAssetState } from '../assets';
import type { MovementAction } from './movements';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('inventory movements: one state machine for transfers and loans', () => {
  let app: RunningTestApp;
  let world: LendingWorld;

  beforeAll(async () => {
    app = await startTestApp();
    world = await seedLendingWorld(app.services);
  });
  afterAll(async () => {
    await app.stop();
  });

  const steps = (movementId: string) =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_movement_steps').selectAll().where('movement_id', '=', movementId).orderBy('id').execute(),
    );
  const assetRow = (assetId: string) =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_assets').selectAll().where('id', '=', assetId).executeTakeFirstOrThrow(),
    );
  const setAssetStatus = (assetId: string, status: 'in_maintenance' | 'lost' | 'available') =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      changeAssetState(trx, systemAudit('test'), assetId, { status, reason: 'test' }),
    );

  it('requests a transfer: the trail records who, from where and with which request id', async () => {
    const asset = await world.newAsset('Projetor Epson');
    const requested = await world.agent.caller.inventory.movements.request({
      assetId: asset.id,
      type: 'transfer',
      toLocationId: world.places.annex,
      reason: 'Reunião no anexo',
    });
    expect(requested).toMatchObject({
      type: 'transfer',
      status: 'requested',
      asset: { id: asset.id, tag: asset.tag },
      from: { id: world.places.room, name: 'Sala 101' },
      to: { id: world.places.annex, name: 'Anexo' },
      requester: { id: world.agent.user.userId, name: 'Agente Ana' },
      loan: null,
      actions: ['cancel'],
    });
    const [step] = await steps(requested.id);
    expect(step).toMatchObject({
      action: 'requested',
      from_status: null,
      to_status: 'requested',
      actor_type: 'user',
      note: 'Reunião no anexo',
    });
    expect(step!.request_id).toBeTruthy();
    const events = await storedEvents(app.services, world.tenant.tenantId, 'inventory.movement.requested');
    expect(events.at(-1)!.data).toMatchObject({ movementId: requested.id, assetTag: asset.tag, status: 'requested' });
    // The manager of the destination sees the decision buttons; the requester only cancel.
    expect((await world.annexManager.caller.inventory.movements.get({ id: requested.id })).actions).toEqual([
      'approve',
      'reject',
      'cancel',
    ]);
  });

  it('carries a transfer out: the asset moves to the destination on execution', async () => {
    const asset = await world.newAsset('Notebook Dell');
    const requested = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
    await world.annexManager.caller.inventory.movements.approve({ id: requested.id, note: 'Pode levar' });
    const executed = await world.annexManager.caller.inventory.movements.execute({ id: requested.id });
    expect(executed).toMatchObject({ status: 'executed', approver: { id: world.annexManager.user.userId }, decisionNote: 'Pode levar' });
    expect(executed.steps.map((step) => step.action)).toEqual(['requested', 'approved', 'executed']);
    expect((await assetRow(asset.id)).location_id).toBe(world.places.annex);
  });

  describe('forbidden steps answer 409 INVALID_TRANSITION with the current state', () => {
    const ALLOWED: Record<string, MovementAction[]> = {
      requested: ['approve', 'reject', 'cancel'],
      approved: ['cancel', 'execute'],
      rejected: [],
      cancelled: [],
      'executed transfer': [],
      'executed loan': ['return'],
      returned: [],
    };
    const ACTIONS: MovementAction[] = ['approve', 'reject', 'cancel', 'execute', 'return'];

    /** A movement brought to the named state by the owner (who may decide anything). */
    async function movementIn(state: string): Promise<string> {
      const asset = await world.newAsset(`Ativo ${state}`);
      const owner = world.owner.inventory;
      if (state === 'executed loan' || state === 'returned') {
        const { movement } = await loanOut(world, asset.id);
        if (state === 'returned') await owner.movements.return({ id: movement.id, condition: 'Sem avarias' });
        return movement.id;
      }
      const { id } = await owner.movements.request(transferTo(asset.id, world.places.annex));
      if (state === 'requested') return id;
      if (state === 'rejected') return (await owner.movements.reject({ id })).id;
      if (state === 'cancelled') return (await owner.movements.cancel({ id })).id;
      await owner.movements.approve({ id });
      if (state === 'executed transfer') await owner.movements.execute({ id });
      return id;
    }

    const take = (action: MovementAction, id: string) => {
      const movements = world.owner.inventory.movements;
      if (action === 'approve') return movements.approve({ id });
      if (action === 'reject') return movements.reject({ id });
      if (action === 'cancel') return movements.cancel({ id });
      if (action === 'execute') return movements.execute({ id });
      return movements.return({ id });
    };

    for (const [state, allowed] of Object.entries(ALLOWED)) {
      it(`from ${state}: ${ACTIONS.filter((action) => !allowed.includes(action)).join(', ')} refused`, async () => {
        const id = await movementIn(state);
        const currentState = state.split(' ')[0];
        for (const action of ACTIONS.filter((candidate) => !allowed.includes(candidate))) {
          const refused = await expectTrpcError(take(action, id), 'CONFLICT', 'INVALID_TRANSITION');
          expect(refused.details).toMatchObject({ currentState, action });
          expect(refused.message).toMatch(/^(Não é possível|Só empréstimos)/);
        }
        const view = await world.owner.inventory.movements.get({ id });
        expect(view.status).toBe(currentState);
        expect([...view.actions].sort()).toEqual([...allowed].sort());
      });
    }
  });

  it('only who manages the deciding location (or may approve anywhere) decides: others get 403', async () => {
    // Into the room (under the building): the building's manager decides, the annex's does not.
    const elsewhere = await world.newAsset('Tripé', { locationId: world.places.annex });
    const intoRoom = await world.agent.caller.inventory.movements.request(transferTo(elsewhere.id, world.places.room));
    const refused = await expectTrpcError(
      world.annexManager.caller.inventory.movements.approve({ id: intoRoom.id }),
      'FORBIDDEN',
      'NOT_LOCATION_MANAGER',
    );
    expect(refused.details).toMatchObject({ locationId: world.places.room });
    await expectTrpcError(world.agent.caller.inventory.movements.approve({ id: intoRoom.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
    await expectTrpcError(world.annexManager.caller.inventory.movements.reject({ id: intoRoom.id }), 'FORBIDDEN', 'NOT_LOCATION_MANAGER');
    expect((await world.annexManager.caller.inventory.movements.get({ id: intoRoom.id })).actions).toEqual([]);
    expect(await world.manager.caller.inventory.movements.approve({ id: intoRoom.id })).toMatchObject({ status: 'approved' });

    // A loan is decided where the asset is lent from: the room, so the building's manager.
    const lent = await world.newAsset('Tablet');
    const loan = await world.agent.caller.inventory.movements.request(externalLoan(lent.id));
    await expectTrpcError(world.annexManager.caller.inventory.movements.approve({ id: loan.id }), 'FORBIDDEN', 'NOT_LOCATION_MANAGER');
    expect((await world.manager.caller.inventory.movements.approve({ id: loan.id })).status).toBe('approved');
    // Nothing was written by the refused calls.
    expect((await steps(intoRoom.id)).map((step) => step.action)).toEqual(['requested', 'approved']);
  });

  it('two people deciding one movement at once make one decision; the other gets 409 (several rounds)', async () => {
    for (let round = 0; round < 6; round += 1) {
      const asset = await world.newAsset(`Disputado ${round}`);
      const { id } = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
      const decisions = [
        round % 2 === 0
          ? world.annexManager.caller.inventory.movements.approve({ id })
          : world.annexManager.caller.inventory.movements.reject({ id }),
        world.owner.inventory.movements.approve({ id }),
        world.owner.inventory.movements.approve({ id }),
      ];
      const settled = await Promise.allSettled(decisions);
      const won = settled.filter((outcome) => outcome.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const outcome of settled.filter((candidate) => candidate.status === 'rejected')) {
        const refused = await trpcError(Promise.reject((outcome as PromiseRejectedResult).reason));
        expect(refused.code).toBe('CONFLICT');
        expect(refused.reason).toBe('INVALID_TRANSITION');
        expect(['approved', 'rejected']).toContain(refused.details?.currentState);
      }
      const trail = await steps(id);
      expect(trail.map((step) => step.action)).toHaveLength(2);
      expect(trail[1]!.from_status).toBe('requested');
    }
  });

  it('an asset out on loan cannot be moved or lent again: 409 with why', async () => {
    const asset = await world.newAsset('Microfone');
    await loanOut(world, asset.id);
    expect((await assetRow(asset.id)).status).toBe('on_loan');
    const moved = await expectTrpcError(
      world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex)),
      'CONFLICT',
      'ASSET_ON_LOAN',
    );
    expect(moved.message).toContain('está emprestado');
    await expectTrpcError(world.agent.caller.inventory.movements.request(externalLoan(asset.id)), 'CONFLICT', 'ASSET_ON_LOAN');
  });

  it('an asset in maintenance cannot be lent (checked again at execution); a lost one cannot move at all', async () => {
    const inShop = await world.newAsset('Impressora', { status: 'in_maintenance' });
    const refused = await expectTrpcError(
      world.agent.caller.inventory.movements.request(externalLoan(inShop.id)),
      'CONFLICT',
      'ASSET_IN_MAINTENANCE',
    );
    expect(refused.details).toMatchObject({ assetStatus: 'in_maintenance' });
    // A transfer of it (to the workshop, say) is fine.
    const transfer = await world.agent.caller.inventory.movements.request(transferTo(inShop.id, world.places.annex));
    await world.agent.caller.inventory.movements.cancel({ id: transfer.id });

    const later = await world.newAsset('Caixa de som');
    const { movement, termId } = await approvedLoan(world, later.id);
    await world.manager.caller.inventory.terms.signWithPad({ termId, signerName: 'Carla Souza', signaturePng: TINY_SIGNATURE_PNG });
    await setAssetStatus(later.id, 'in_maintenance');
    await expectTrpcError(world.manager.caller.inventory.movements.execute({ id: movement.id }), 'CONFLICT', 'ASSET_IN_MAINTENANCE');
    // The refused execution wrote nothing: still approved, asset where it was.
    expect((await world.manager.caller.inventory.movements.get({ id: movement.id })).status).toBe('approved');
    expect((await assetRow(later.id)).status).toBe('in_maintenance');

    const lost = await world.newAsset('Celular', { status: 'lost' });
    await expectTrpcError(
      world.agent.caller.inventory.movements.request(transferTo(lost.id, world.places.annex)),
      'CONFLICT',
      'ASSET_UNAVAILABLE',
    );
  });

  it('one open movement per asset: a second request waits for the first to end', async () => {
    const asset = await world.newAsset('Cadeira');
    const first = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
    const second = await expectTrpcError(
      world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex)),
      'CONFLICT',
      'MOVEMENT_OPEN',
    );
    expect(second.details).toMatchObject({ movementId: first.id, currentState: 'requested' });
    const contested = await world.newAsset('Cadeira disputada');
    const racing = await Promise.allSettled(
      [world.agent, world.manager, world.annexManager].map((person) =>
        person.caller.inventory.movements.request(transferTo(contested.id, world.places.annex)),
      ),
    );
    expect(racing.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of racing.filter((candidate) => candidate.status === 'rejected'))
      expect((await trpcError(Promise.reject((outcome as PromiseRejectedResult).reason))).reason).toBe('MOVEMENT_OPEN');
  });

  it('hands a loan over only once its term is accepted, and takes it back as available', async () => {
    const asset = await world.newAsset('Monitor');
    const { movement, termId } = await approvedLoan(world, asset.id);
    expect(movement.loan).toMatchObject({ borrowerName: 'Carla Souza', status: 'pending', termAccepted: false });
    expect(movement.actions).toEqual(['cancel', 'execute']);
    const early = await expectTrpcError(
      world.manager.caller.inventory.movements.execute({ id: movement.id }),
      'CONFLICT',
      'TERM_NOT_ACCEPTED',
    );
    expect(early.details).toMatchObject({ currentState: 'approved' });
    await world.manager.caller.inventory.terms.signWithPad({ termId, signerName: 'Carla Souza', signaturePng: TINY_SIGNATURE_PNG });
    const out = await world.manager.caller.inventory.movements.execute({ id: movement.id });
    expect(out).toMatchObject({ status: 'executed', loan: { status: 'active', termAccepted: true } });
    expect(out.loanDetails?.startDate).toBeTruthy();
    expect((await assetRow(asset.id)).status).toBe('on_loan');
    const back = await world.manager.caller.inventory.movements.return({ id: movement.id, condition: 'Tela com um risco' });
    expect(back).toMatchObject({ status: 'returned', loan: { status: 'returned' }, loanDetails: { returnCondition: 'Tela com um risco' } });
    expect(back.steps.map((step) => step.action)).toEqual(['requested', 'approved', 'term_accepted', 'executed', 'returned']);
    expect((await assetRow(asset.id)).status).toBe('available');
    const types = (await storedEvents(app.services, world.tenant.tenantId)).filter(
      (event) => (event.data as { movementId?: string }).movementId === movement.id,
    );
    expect(types.map((event) => event.type)).toEqual([
      'inventory.movement.requested',
      'inventory.movement.approved',
      'inventory.movement.term_accepted',
      'inventory.movement.executed',
      'inventory.movement.returned',
    ]);
  });

  it('lets the requester withdraw their own request, not somebody else’s', async () => {
    const asset = await world.newAsset('Mesa');
    const mine = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
    const colleague = await world.owner.inventory.movements.request(externalLoan((await world.newAsset('Lousa')).id));
    await expectTrpcError(world.agent.caller.inventory.movements.cancel({ id: colleague.id }), 'FORBIDDEN', 'NOT_LOCATION_MANAGER');
    expect((await world.agent.caller.inventory.movements.cancel({ id: mine.id })).status).toBe('cancelled');
  });

  it('refuses bad input with 400 and a message per field, and unknown ids with 404', async () => {
    const asset = await world.newAsset('Roteador');
    const noDestination = await expectTrpcError(
      world.agent.caller.inventory.movements.request({ assetId: asset.id, type: 'transfer' }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    expect(noDestination.zodError?.fieldErrors.toLocationId).toEqual(['Escolha a localização de destino']);
    const noLoan = await expectTrpcError(
      world.agent.caller.inventory.movements.request({ assetId: asset.id, type: 'loan_external' }),
      'BAD_REQUEST',
    );
    expect(noLoan.zodError?.fieldErrors.loan).toBeDefined();
    const past = await expectTrpcError(
      world.agent.caller.inventory.movements.request({
        ...externalLoan(asset.id),
        loan: { ...externalLoan(asset.id).loan, dueDate: inDays(-1) },
      }),
      'BAD_REQUEST',
      'DUE_DATE_PAST',
    );
    expect(past.details).toEqual({ field: 'dueDate' });
    const noDocument = await expectTrpcError(
      world.agent.caller.inventory.movements.request({
        assetId: asset.id,
        type: 'loan_external',
        loan: { borrowerName: 'Zé', dueDate: inDays(3) },
      }),
      'BAD_REQUEST',
      'DOCUMENT_REQUIRED',
    );
    expect(noDocument.details).toEqual({ field: 'document' });
    await expectTrpcError(
      world.agent.caller.inventory.movements.request({ assetId: asset.id, type: 'loan_internal', loan: { dueDate: '2099-13-45' } }),
      'BAD_REQUEST',
    );
    await expectTrpcError(
      world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.room)),
      'BAD_REQUEST',
      'SAME_LOCATION',
    );
    await expectTrpcError(
      world.agent.caller.inventory.movements.request({ assetId: crypto.randomUUID(), type: 'transfer', toLocationId: world.places.annex }),
      'NOT_FOUND',
    );
    await expectTrpcError(
      world.agent.caller.inventory.movements.request({ assetId: asset.id, type: 'transfer', toLocationId: crypto.randomUUID() }),
      'NOT_FOUND',
    );
    await expectTrpcError(
      world.agent.caller.inventory.movements.request({
        assetId: asset.id,
        type: 'loan_internal',
        loan: { borrowerUserId: crypto.randomUUID(), dueDate: inDays(2) },
      }),
      'NOT_FOUND',
    );
    await expectTrpcError(world.agent.caller.inventory.movements.get({ id: 'not-a-uuid' }), 'BAD_REQUEST');
    await expectTrpcError(world.agent.caller.inventory.movements.list({ cursor: 'bm90LWEtY3Vyc29y' }), 'BAD_REQUEST', 'INVALID_CURSOR');
    // An internal loan takes the user's name and e-mail; a day is due at its end on the company's clock.
    const internal = await world.agent.caller.inventory.movements.request({
      assetId: asset.id,
      type: 'loan_internal',
      loan: { borrowerUserId: world.manager.user.userId, dueDate: inDays(3).slice(0, 10) },
    });
    expect(internal.loan).toMatchObject({ borrowerType: 'user', borrowerName: 'Gerente do Prédio' });
    expect(internal.loanDetails?.email).toBe(world.manager.user.email);
    expect(new Date(internal.loan!.dueDate).toISOString()).toMatch(/T02:59:59\.999Z$/);
  });

  it('lists movements newest first with filters and keyset pages, and loans by due date', async () => {
    const { movement: lent } = await loanOut(world, (await world.newAsset('Listado')).id);
    await world.owner.inventory.movements.return({ id: lent.id });
    const filtered = await world.owner.inventory.movements.list({ type: 'loan_external', status: 'returned' });
    expect(filtered.items.length).toBeGreaterThan(0);
    for (const item of filtered.items) expect(item).toMatchObject({ type: 'loan_external', status: 'returned' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await world.owner.inventory.movements.list({ limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = await world.owner.inventory.movements.list({ limit: 100 });
    expect(seen).toEqual(all.items.map((item) => item.id));
    expect(new Set(seen).size).toBe(seen.length);
    const created = all.items.map((item) => item.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const asset = await world.newAsset('Filtrado');
    const own = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
    expect((await world.agent.caller.inventory.movements.list({ assetId: asset.id })).items.map((item) => item.id)).toEqual([own.id]);

    const soon = await world.newAsset('Vence logo');
    await loanOut(world, soon.id, 1);
    const active = await world.owner.inventory.loans.list({ view: 'active' });
    expect(active.items.every((loan) => loan.status === 'active')).toBe(true);
    const dueSoon = await world.owner.inventory.loans.list({ view: 'due_soon' });
    expect(dueSoon.items.find((loan) => loan.asset.id === soon.id)).toMatchObject({
      dueSoon: true,
      overdue: false,
      borrowerName: 'Carla Souza',
    });
    expect((await world.owner.inventory.loans.list({ view: 'overdue' })).items).toEqual([]);
    const dues = active.items.map((loan) => loan.dueDate);
    expect([...dues].sort()).toEqual(dues);
    const paged: string[] = [];
    let loanCursor: string | undefined;
    do {
      const page = await world.owner.inventory.loans.list({ view: 'all', limit: 2, ...(loanCursor ? { cursor: loanCursor } : {}) });
      paged.push(...page.items.map((loan) => loan.id));
      loanCursor = page.nextCursor ?? undefined;
    } while (loanCursor);
    expect(paged).toEqual((await world.owner.inventory.loans.list({ view: 'all', limit: 100 })).items.map((loan) => loan.id));
    const forged = Buffer.from(`99999999999999999|${crypto.randomUUID()}`).toString('base64url');
    await expectTrpcError(world.owner.inventory.loans.list({ cursor: forged }), 'BAD_REQUEST', 'INVALID_CURSOR');
  });
});
