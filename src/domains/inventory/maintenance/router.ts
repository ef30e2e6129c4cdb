import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { inventoryPermissions as can } from '../permissions';
import { createContract, getContract, listContracts, updateContract } from './contracts';
import { createOrder, getOrder, listOrders, moveOrder, rateOrder, updateOrder } from './orders';
import { createPlan, getPlan, listPlans, updatePlan } from './plans';
import {
  byId,
  createContractInput,
  createOrderInput,
  createPlanInput,
  listOrdersInput,
  listPlansInput,
  moveOrderInput,
  rateOrderInput,
  updateContractInput,
  updateOrderInput,
  updatePlanInput,
} from './schemas';

const reads = permittedProcedure(can['inventory.maintenance.read'], 'inventory');
const writes = permittedProcedure(can['inventory.maintenance.write'], 'inventory');

const ordersRouter = router({
  /** Each order comes with its SLA clock (respond and resolve) at the time of reading. */
  list: reads.input(listOrdersInput).query(({ ctx, input }) => ctx.withTenant((trx) => listOrders(trx, input))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getOrder(trx, input.id))),
  create: writes.input(createOrderInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createOrder(trx, ctx.audit, input))),
  update: writes.input(updateOrderInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updateOrder(trx, ctx.audit, input))),
  /** open → in_progress ⇄ waiting_parts → done; cancelled from any running state. */
  move: writes.input(moveOrderInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => moveOrder(trx, ctx.audit, input))),
  rate: writes.input(rateOrderInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => rateOrder(trx, ctx.audit, input))),
});

const plansRouter = router({
  list: reads.input(listPlansInput).query(({ ctx, input }) => ctx.withTenant((trx) => listPlans(trx, input))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getPlan(trx, input.id))),
  create: writes.input(createPlanInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createPlan(trx, ctx.audit, input))),
  update: writes.input(updatePlanInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updatePlan(trx, ctx.audit, input))),
});

const contractsRouter = router({
  list: reads.query(({ ctx }) => ctx.withTenant((trx) => listContracts(trx))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getContract(trx, input.id))),
  create: writes.input(createContractInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createContract(trx, ctx.audit, input))),
  update: writes.input(updateContractInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updateContract(trx, ctx.audit, input))),
});

/** The maintenance procedures of the inventory (`inventory.maintenance.orders|plans|contracts.*`), merged into `inventory.*` by ../router.ts. */
export const maintenanceRouters = {
  maintenance: router({ orders: ordersRouter, plans: plansRouter, contracts: contractsRouter }),
};
