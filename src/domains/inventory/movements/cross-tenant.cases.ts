import { expect } from 'vitest';
import { anonymousCaller } from '../../../../test/support/app';
import { defineCrossTenantSuite } from '../../../../test/support/cross-tenant';
import { expectTrpcError, rawRequest } from '../../../../test/support/identity';
import {
  approvedLoan,
  externalLoan,
  furnishLendingWorld,
  inDays,
  loanOut,
  TINY_SIGNATURE_PNG,
  transferTo,
  type LendingWorld,
} from '../../../../test/support/inventory-movements';

interface MovementsFixture {
  movements: {
    world: LendingWorld;
    assetId: string;
    locationId: string;
    managerId: string;
    requestedId: string;
    approvedLoanId: string;
    /** Pending terms: one for the pad, one for the link, so the positive controls do not meet. */
    padTermId: string;
    linkTermId: string;
    linkToken: string;
    executedLoanId: string;
    acceptedTermId: string;
    accessToken: string;
  };
}

/** Movements, loans and terms: B's people, holding A's ids (and A's link), reach nothing of A's. */
export const crossTenantSuite = defineCrossTenantSuite<MovementsFixture>({
  name: 'inventory-movements',
  async prepare(services, side) {
    const world = await furnishLendingWorld(services, side.tenant);
    const asset = await world.newAsset('Projetor da sala');
    const requested = await world.agent.caller.inventory.movements.request(transferTo(asset.id, world.places.annex));
    const forPad = await approvedLoan(world, (await world.newAsset('Notebook')).id);
    const forLink = await approvedLoan(world, (await world.newAsset('Câmera')).id);
    const link = await world.manager.caller.inventory.terms.createAcceptanceLink({ termId: forLink.termId });
    const out = await loanOut(world, (await world.newAsset('Tablet')).id);
    const { token } = await services.signer.sign({
      tenantId: side.tenant.tenantId,
      userId: side.tenant.ownerId,
      sessionId: crypto.randomUUID(),
    });
    return {
      movements: {
        world,
        assetId: asset.id,
        locationId: world.places.annex,
        managerId: world.manager.user.userId,
        requestedId: requested.id,
        approvedLoanId: forPad.movement.id,
        padTermId: forPad.termId,
        linkTermId: forLink.termId,
        linkToken: link.url.split('/').at(-1)!,
        executedLoanId: out.movement.id,
        acceptedTermId: out.termId,
        accessToken: token,
      },
    };
  },
  snapshot: async (trx) => ({
    movements: await trx.selectFrom('inventory_movements').selectAll().orderBy('id').execute(),
    steps: await trx.selectFrom('inventory_movement_steps').selectAll().orderBy('id').execute(),
    loans: await trx.selectFrom('inventory_loans').selectAll().orderBy('id').execute(),
    terms: await trx
      .selectFrom('inventory_loan_terms')
      .select(['id', 'status', 'pdf_sha256', 'acceptance_token_hash', 'link_expires_at', 'accepted_at', 'accepted_ip'])
      .orderBy('id')
      .execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const bOwner = () => b.movements.world.owner.inventory;
    const aMovements = () => [a.movements.requestedId, a.movements.approvedLoanId, a.movements.executedLoanId];
    const aTerms = () => [a.movements.padTermId, a.movements.linkTermId, a.movements.acceptedTermId];
    const noneOfA = (ids: string[]) => {
      for (const id of [...aMovements(), a.movements.assetId]) expect(ids).not.toContain(id);
    };
    return {
      'inventory.movements.request': async () => {
        await expectUnknownToB(
          (assetId) => bOwner().movements.request({ assetId, type: 'transfer', toLocationId: b.movements.locationId }),
          () => [a.movements.assetId],
        );
        const own = await b.movements.world.newAsset('Só de B');
        await expectUnknownToB(
          (toLocationId) => bOwner().movements.request({ assetId: own.id, type: 'transfer', toLocationId }),
          () => [a.movements.locationId],
        );
        await expectUnknownToB(
          (borrowerUserId) =>
            bOwner().movements.request({ assetId: own.id, type: 'loan_internal', loan: { borrowerUserId, dueDate: inDays(3) } }),
          () => [a.movements.managerId],
        );
        expect((await bOwner().movements.request(externalLoan(own.id))).status).toBe('requested');
      },
      'inventory.movements.approve': () => expectUnknownToB((id) => bOwner().movements.approve({ id }), aMovements),
      'inventory.movements.reject': () => expectUnknownToB((id) => bOwner().movements.reject({ id, note: 'não' }), aMovements),
      'inventory.movements.execute': () => expectUnknownToB((id) => bOwner().movements.execute({ id }), aMovements),
      'inventory.movements.return': () => expectUnknownToB((id) => bOwner().movements.return({ id }), aMovements),
      'inventory.movements.cancel': () => expectUnknownToB((id) => bOwner().movements.cancel({ id }), aMovements),
      'inventory.movements.list': async () => {
        const listed = await bOwner().movements.list({ limit: 100 });
        expect(listed.items.map((item) => item.id)).toContain(b.movements.requestedId);
        noneOfA(listed.items.flatMap((item) => [item.id, item.asset.id]));
        expect((await bOwner().movements.list({ assetId: a.movements.assetId })).items).toEqual([]);
      },
      'inventory.movements.get': async () => {
        await expectUnknownToB((id) => bOwner().movements.get({ id }), aMovements);
        const own = await bOwner().movements.get({ id: b.movements.executedLoanId });
        expect(own.terms.map((term) => term.id)).toEqual([b.movements.acceptedTermId]);
      },
      'inventory.loans.list': async () => {
        const loans = await bOwner().loans.list({ view: 'all', limit: 100 });
        expect(loans.items.map((loan) => loan.movementId)).toContain(b.movements.executedLoanId);
        noneOfA(loans.items.flatMap((loan) => [loan.movementId, loan.asset.id]));
      },
      'inventory.loans.borrowers': async () => {
        const people = (await bOwner().loans.borrowers()).map((person) => person.id);
        expect(people).toContain(b.movements.managerId);
        expect(people).not.toContain(a.movements.managerId);
        expect(people).not.toContain(a.tenant.ownerId);
      },
      'inventory.terms.issue': () => expectUnknownToB((movementId) => bOwner().terms.issue({ movementId }), aMovements),
      'inventory.terms.signWithPad': async () => {
        await expectUnknownToB(
          (termId) => bOwner().terms.signWithPad({ termId, signerName: 'Intruso', signaturePng: TINY_SIGNATURE_PNG }),
          aTerms,
        );
        const own = await bOwner().terms.signWithPad({
          termId: b.movements.padTermId,
          signerName: 'Tomador B',
          signaturePng: TINY_SIGNATURE_PNG,
        });
        expect(own.status).toBe('accepted');
      },
      'inventory.terms.createAcceptanceLink': () => expectUnknownToB((termId) => bOwner().terms.createAcceptanceLink({ termId }), aTerms),
      'inventory.terms.verify': () => expectUnknownToB((termId) => bOwner().terms.verify({ termId, pdfBase64: 'JVBERi0xLjcK' }), aTerms),
      'inventory.publicTerms.get': async () => {
        // A link is its own credential: B's link opens B's term, and a guessed one opens nothing.
        const borrower = anonymousCaller(world.app.services);
        const own = await borrower.inventory.publicTerms.get({ token: b.movements.linkToken });
        expect(own.content.termId).toBe(b.movements.linkTermId);
        await expectTrpcError(borrower.inventory.publicTerms.get({ token: 'x'.repeat(43) }), 'NOT_FOUND', 'TERM_LINK_NOT_FOUND');
        // B's people never see A's link: no view carries a token.
        expect(JSON.stringify(await bOwner().movements.list({ limit: 100 }))).not.toContain(a.movements.linkToken);
      },
      'inventory.publicTerms.accept': async () => {
        const borrower = anonymousCaller(world.app.services);
        await expectTrpcError(
          borrower.inventory.publicTerms.accept({ token: 'y'.repeat(43), signerName: 'Intruso', agreed: true }),
          'NOT_FOUND',
          'TERM_LINK_NOT_FOUND',
        );
        const own = await borrower.inventory.publicTerms.accept({ token: b.movements.linkToken, signerName: 'Tomador B', agreed: true });
        expect(own).toMatchObject({ id: b.movements.linkTermId, status: 'accepted' });
      },
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    return {
      'GET /api/v1/inventory/terms/:termId.pdf': async () => {
        const pdf = (termId: string) =>
          rawRequest(`${world.app.url}/api/v1/inventory/terms/${termId}.pdf`, { token: b.movements.accessToken });
        const random = await pdf(crypto.randomUUID());
        expect(random.status).toBe(404);
        for (const termId of [a.movements.padTermId, a.movements.acceptedTermId]) {
          const foreign = await pdf(termId);
          expect({ status: foreign.status, body: foreign.json }).toEqual({ status: 404, body: random.json });
        }
        expect((await pdf(b.movements.acceptedTermId)).status).toBe(200);
      },
    };
  },
});
