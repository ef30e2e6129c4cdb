import { router } from '../../../trpc/init';
import { permittedProcedure, publicProcedure } from '../../../trpc/procedures';
import type { UserAccess } from '../../../platform/auth/principals';
import type { AuditContext } from '../../../platform/audit/audit-log';
import { inventoryPermissions as can } from '../permissions';
import { listBorrowerOptions, listLoans } from './loans';
import type { MovementActor } from './movement-records';
import { cancelMovement, decideMovement, executeMovement, getMovementView, listMovements, requestMovement, returnLoan } from './movements';
import {
  acceptTermInput,
  byId,
  byMovement,
  byTerm,
  decisionInput,
  listLoansInput,
  listMovementsInput,
  publicTermInput,
  requestMovementInput,
  returnInput,
  signWithPadInput,
  verifyTermInput,
} from './schemas';
import { acceptTermByLink, createAcceptanceLink, publicTermView, reissueTerm, signTermWithPad, verifyTermPdf } from './terms';

const inventory = (permission: string | readonly string[]) => permittedProcedure(permission, 'inventory');
const reads = inventory(can['inventory.movements.read']);
/** Deciding, carrying out and returning; who manages the place (or may approve anywhere) is checked in the logic. */
const deciders = inventory([can['inventory.movements.approve'], can['inventory.movements.approveAny']]);
const anyMover = inventory([can['inventory.movements.request'], can['inventory.movements.approve'], can['inventory.movements.approveAny']]);

const actorOf = (ctx: { audit: AuditContext; user: UserAccess }): MovementActor => ({
  audit: ctx.audit,
  userId: ctx.user.userId,
  permissions: ctx.user.permissions,
});

const movementsRouter = router({
  request: inventory(can['inventory.movements.request'])
    .input(requestMovementInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => requestMovement(trx, actorOf(ctx), input))),
  approve: deciders
    .input(decisionInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => decideMovement(trx, actorOf(ctx), input, 'approve'))),
  reject: deciders
    .input(decisionInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => decideMovement(trx, actorOf(ctx), input, 'reject'))),
  execute: deciders.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => executeMovement(trx, actorOf(ctx), input.id))),
  return: deciders.input(returnInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => returnLoan(trx, actorOf(ctx), input))),
  /** The requester withdraws their own request; deciders may cancel any they could decide. */
  cancel: anyMover.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => cancelMovement(trx, actorOf(ctx), input.id))),
  list: reads.input(listMovementsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listMovements(trx, actorOf(ctx), input))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getMovementView(trx, actorOf(ctx), input.id))),
});

const loansRouter = router({
  list: reads.input(listLoansInput).query(({ ctx, input }) => ctx.withTenant((trx) => listLoans(trx, input))),
  /** Who may take an internal loan: the company's active users. */
  borrowers: inventory(can['inventory.movements.request']).query(({ ctx }) => ctx.withTenant(listBorrowerOptions)),
});

const termsRouter = router({
  /** A fresh term for a loan not yet handed over (the pending one is voided). */
  issue: deciders.input(byMovement).mutation(({ ctx, input }) => ctx.withTenant((trx) => reissueTerm(trx, actorOf(ctx), input.movementId))),
  signWithPad: deciders
    .input(signWithPadInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => signTermWithPad(trx, actorOf(ctx), input))),
  createAcceptanceLink: deciders
    .input(byTerm)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => createAcceptanceLink(trx, actorOf(ctx), input.termId, ctx.services.config.publicUrl)),
    ),
  verify: reads.input(verifyTermInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => verifyTermPdf(trx, input))),
});

/** The borrower's page, by the link's unguessable token: no login. */
const publicTermsRouter = router({
  get: publicProcedure.input(publicTermInput).query(({ ctx, input }) => publicTermView(ctx.services, input.token)),
  accept: publicProcedure.input(acceptTermInput).mutation(({ ctx, input }) => acceptTermByLink(ctx.services, ctx.client, input)),
});

/** The movements procedures of the inventory, merged into `inventory.*` by ../router.ts. */
export const movementsRouters = {
  movements: movementsRouter,
  loans: loansRouter,
  terms: termsRouter,
  publicTerms: publicTermsRouter,
};
