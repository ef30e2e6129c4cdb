import { router } from '../../trpc/init';
import { deviceProcedure, permittedProcedure, publicProcedure } from '../../trpc/procedures';
import { callNextTicket, panelOverview } from './calling';
import { displayState, listDisplayStatus, recordDisplayHeartbeat, streamDisplay } from './display';
import { DISPLAY_KIND, KIOSK_KIND, QUEUE_DISPLAY_SCOPE, QUEUE_ISSUE_SCOPE, unitOfQueueDevice } from './device-kinds';
import { kioskServices } from './kiosk';
import { queuePermissions as can } from './permissions';
import { publicTicketStatus, watchPublicTicket } from './public-status';
import {
  byId,
  byUnit,
  callNextInput,
  createDeskInput,
  createPriorityInput,
  createServiceInput,
  createUnitInput,
  heartbeatInput,
  issueTicketInput,
  lastEventIdInput,
  panelQueueInput,
  publicTicketInput,
  statsInput,
  ticketAction,
  transferInput,
  updateDeskInput,
  updatePriorityInput,
  updateServiceInput,
  updateUnitInput,
} from './schemas';
import {
  createDesk,
  createPriority,
  createService,
  createUnit,
  findUnit,
  listDesks,
  listPriorities,
  listServices,
  listUnits,
  toDeskView,
  toPriorityView,
  toServiceView,
  toUnitView,
  updateDesk,
  updatePriority,
  updateService,
  updateUnit,
} from './setup';
import { queueStats } from './stats';
import { findTicket, issueTicket, moveTicket, toTicketView, transferTicket, type QueueActor, type TicketMove } from './tickets';
import { z } from 'zod';

const queue = (permission: string | readonly string[]) => permittedProcedure(permission, 'queue');
const setupReads = queue(can['queue.setup.read']);
/** Units, services, desks and priorities are what the panel and the statistics pick from: any queue permission reads them. */
const catalogueReads = queue([can['queue.setup.read'], can['queue.panel'], can['queue.stats.read']]);
const setupWrites = queue(can['queue.setup.write']);
const panel = queue(can['queue.panel']);

/** A queue device of the given kind: its unit (the device's resource) joins the context. */
const queueDeviceProcedure = (kind: typeof KIOSK_KIND | typeof DISPLAY_KIND, scope: string) =>
  deviceProcedure(scope).use(({ ctx, next }) => next({ ctx: { unitId: unitOfQueueDevice(ctx.device, kind) } }));
const kiosk = queueDeviceProcedure(KIOSK_KIND, QUEUE_ISSUE_SCOPE);
const display = queueDeviceProcedure(DISPLAY_KIND, QUEUE_DISPLAY_SCOPE);

const unitsRouter = router({
  list: catalogueReads.query(({ ctx }) => ctx.withTenant(async (trx) => (await listUnits(trx)).map(toUnitView))),
  get: catalogueReads.input(byId).query(({ ctx, input }) => ctx.withTenant(async (trx) => toUnitView(await findUnit(trx, input.id)))),
  create: setupWrites
    .input(createUnitInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toUnitView(await createUnit(trx, ctx.audit, input)))),
  update: setupWrites
    .input(updateUnitInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toUnitView(await updateUnit(trx, ctx.audit, input)))),
});

const optionalUnit = z.strictObject({ unitId: byUnit.shape.unitId.optional() }).default({});

const servicesRouter = router({
  list: catalogueReads
    .input(optionalUnit)
    .query(({ ctx, input }) => ctx.withTenant(async (trx) => (await listServices(trx, input.unitId)).map(toServiceView))),
  create: setupWrites
    .input(createServiceInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toServiceView(await createService(trx, ctx.audit, input)))),
  update: setupWrites
    .input(updateServiceInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toServiceView(await updateService(trx, ctx.audit, input)))),
});

const desksRouter = router({
  list: catalogueReads
    .input(optionalUnit)
    .query(({ ctx, input }) => ctx.withTenant(async (trx) => (await listDesks(trx, input.unitId)).map(toDeskView))),
  create: setupWrites
    .input(createDeskInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toDeskView(await createDesk(trx, ctx.audit, input)))),
  update: setupWrites
    .input(updateDeskInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toDeskView(await updateDesk(trx, ctx.audit, input)))),
});

const prioritiesRouter = router({
  list: catalogueReads.query(({ ctx }) => ctx.withTenant(async (trx) => (await listPriorities(trx)).map(toPriorityView))),
  create: setupWrites
    .input(createPriorityInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toPriorityView(await createPriority(trx, ctx.audit, input)))),
  update: setupWrites
    .input(updatePriorityInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toPriorityView(await updatePriority(trx, ctx.audit, input)))),
});

const kioskRouter = router({
  /** The kiosk's unit, its services (open now or not, with why) and the priority categories to offer. */
  services: kiosk.query(({ ctx }) => ctx.withTenant((trx) => kioskServices(trx, ctx.unitId))),
  issue: kiosk
    .input(issueTicketInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) =>
        issueTicket(trx, { audit: ctx.audit, deviceId: ctx.device.deviceId }, { unitId: ctx.unitId, ...input }, ctx.services.config),
      ),
    ),
});

const operatorOf = (ctx: { audit: QueueActor['audit']; user: { userId: string } }): QueueActor => ({
  audit: ctx.audit,
  operatorId: ctx.user.userId,
});

/** One panel action per state-machine move. */
const panelMove = (move: TicketMove) =>
  panel.input(ticketAction).mutation(({ ctx, input }) => ctx.withTenant((trx) => moveTicket(trx, operatorOf(ctx), input.ticketId, move)));

const panelRouter = router({
  callNext: panel.input(callNextInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => callNextTicket(trx, operatorOf(ctx), input))),
  recall: panelMove('recalled'),
  start: panelMove('started'),
  complete: panelMove('completed'),
  noShow: panelMove('no_show'),
  cancel: panelMove('cancelled'),
  transfer: panel.input(transferInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => transferTicket(trx, operatorOf(ctx), input))),
  /** The next five tickets in calling order, each service's line and the desk's open tickets. */
  overview: panel
    .input(panelQueueInput.extend({ deskId: byId.shape.id.optional() }))
    .query(({ ctx, input }) => ctx.withTenant((trx) => panelOverview(trx, input))),
  ticket: panel
    .input(ticketAction)
    .query(({ ctx, input }) => ctx.withTenant(async (trx) => toTicketView(await findTicket(trx, input.ticketId)))),
});

const displayRouter = router({
  /** What the screen shows now: the current call and the five before it. */
  state: display.query(({ ctx }) => ctx.withTenant((trx) => displayState(trx, ctx.unitId))),
  /** The state, then each call of the unit as `tracked(eventId, frame)`; resumes from the last id after a reconnect. */
  stream: display
    .input(lastEventIdInput)
    .subscription(({ ctx, input, signal }) =>
      streamDisplay(ctx.services, ctx.device, ctx.unitId, { lastEventId: input.lastEventId ?? undefined, signal }),
    ),
  heartbeat: display
    .input(heartbeatInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => recordDisplayHeartbeat(trx, ctx.device, ctx.unitId, { ...input, userAgent: ctx.client.userAgent ?? null })),
    ),
});

const displaysRouter = router({
  /** The unit's displays with their last heartbeat: a silent one is shown as such. */
  list: setupReads.input(optionalUnit).query(({ ctx, input }) => ctx.withTenant((trx) => listDisplayStatus(trx, input.unitId))),
});

const publicRouter = router({
  /** A ticket's public status page, by its unguessable code: no login. */
  ticket: publicProcedure.input(publicTicketInput).query(({ ctx, input }) => publicTicketStatus(ctx.services, input.publicCode)),
  watch: publicProcedure
    .input(publicTicketInput)
    .subscription(({ ctx, input, signal }) => watchPublicTicket(ctx.services, input.publicCode, signal)),
});

export const queueRouter = router({
  units: unitsRouter,
  services: servicesRouter,
  desks: desksRouter,
  priorities: prioritiesRouter,
  kiosk: kioskRouter,
  panel: panelRouter,
  display: displayRouter,
  displays: displaysRouter,
  public: publicRouter,
  stats: queue(can['queue.stats.read'])
    .input(statsInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => queueStats(trx, input))),
});
