import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { acknowledgeInventoryAlert, listInventoryAlerts } from '../alerts';
import { inventoryPermissions as can } from '../permissions';
import { getMachine, listMachines } from './machines';
import { byAlert, byDevice, listAlertsInput, listMachinesInput, listTicketsInput, updateTicketInput } from './schemas';
import { listTickets, updateTicket } from './tickets';

const inventory = (permission: string) => permittedProcedure(permission, 'inventory');
const reads = inventory(can['inventory.machines.read']);
const writes = inventory(can['inventory.machines.write']);

const machinesRouter = router({
  /** Each agent's machine, online or not by its last heartbeat against the tenant's silence setting. */
  list: reads.input(listMachinesInput).query(({ ctx, input }) => ctx.withTenant((trx) => listMachines(trx, input))),
  get: reads.input(byDevice).query(({ ctx, input }) => ctx.withTenant((trx) => getMachine(trx, input.deviceId))),
});

const ticketsRouter = router({
  list: reads.input(listTicketsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listTickets(trx, input))),
  update: writes.input(updateTicketInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => updateTicket(trx, ctx.audit, input))),
});

const alertsRouter = router({
  /** Every inventory alert: overdue loans, SLA, silent agents and the agents' own. */
  list: reads.input(listAlertsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listInventoryAlerts(trx, input))),
  acknowledge: writes
    .input(byAlert)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => acknowledgeInventoryAlert(trx, ctx.audit, input.id))),
});

/** The machines procedures of the inventory, merged into `inventory.*` by ../router.ts. */
export const machinesRouters = {
  machines: machinesRouter,
  tickets: ticketsRouter,
  alerts: alertsRouter,
};
