import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { inventoryPermissions as can } from '../permissions';
import { correctAuditItem } from './corrections';
import { listAuditItems } from './items';
import { scanAsset } from './scans';
import { auditItemsInput, byId, correctInput, createAuditInput, listAuditsInput, scanInput } from './schemas';
import { cancelAudit, closeAudit, createAudit, getAudit, listAudits, startAudit } from './sessions';

const reads = permittedProcedure(can['inventory.audits.read'], 'inventory');
const writes = permittedProcedure(can['inventory.audits.write'], 'inventory');
const scans = permittedProcedure(can['inventory.audits.scan'], 'inventory');

/** The audits procedures of the inventory (inventários físicos), merged into `inventory.*` by ../router.ts. */
export const auditsRouters = {
  audits: router({
    list: reads.input(listAuditsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAudits(trx, input))),
    /** The session with its counts by classification and the moves it allows. */
    get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getAudit(trx, input.id))),
    items: reads.input(auditItemsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAuditItems(trx, input))),
    create: writes.input(createAuditInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createAudit(trx, ctx.audit, input))),
    start: writes.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => startAudit(trx, ctx.audit, input.id))),
    close: writes.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => closeAudit(trx, ctx.audit, input.id))),
    cancel: writes.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => cancelAudit(trx, ctx.audit, input.id))),
    correct: writes.input(correctInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => correctAuditItem(trx, ctx.audit, input))),
    scan: scans.input(scanInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => scanAsset(trx, ctx.user.userId, input))),
  }),
};
