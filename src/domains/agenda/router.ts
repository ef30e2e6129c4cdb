import { randomUUID } from 'node:crypto';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  bookAppointment,
  cancelAppointment,
  listAppointments,
  rescheduleAppointment,
  setAppointmentOutcome,
  summaryOf,
} from './appointments';
import { decideAuthRequest, listAuthRequests, NO_OFFER, proposeBooking, summaryOfRequest } from './auth-requests';
import { listCampaignRuns, listCampaigns, runCampaign, toCampaignView, updateCampaign } from './campaigns';
import { listConversationMessages, listConversations } from './chat/conversations';
import { createClient, findClient, listClients, toClientView, updateClient } from './clients';
import { agendaPermissions as can } from './permissions';
import {
  addTimeOff,
  clearDateOverride,
  createProfessional,
  findProfessional,
  listProfessionals,
  listScheduleExceptions,
  removeTimeOff,
  setDateOverride,
  updateProfessional,
} from './professionals';
import {
  addTimeOffInput,
  byId,
  cancelAppointmentInput,
  clearDateOverrideInput,
  createAppointmentInput,
  createClientInput,
  createProfessionalInput,
  createServiceInput,
  decideAuthRequestInput,
  listAppointmentsInput,
  listAuthRequestsInput,
  listCampaignRunsInput,
  runCampaignInput,
  updateCampaignInput,
  listClientsInput,
  listConversationMessagesInput,
  listConversationsInput,
  proposeBookingInput,
  rescheduleAppointmentInput,
  setAppointmentOutcomeInput,
  setDateOverrideInput,
  slotsInput,
  updateClientInput,
  updateProfessionalInput,
  updateServiceInput,
  updateSettingsInput,
} from './schemas';
import { createService, findService, listServices, toServiceView, updateService } from './services';
import { agendaSettingsRow, rotateInboundSecret, toSettingsView, updateAgendaSettings } from './settings';
import { bookingInstant, openSlotsByProfessional, tenantTimeZone } from './slots';

const agenda = (permission: string) => permittedProcedure(permission, 'agenda');
const reads = agenda(can['agenda.appointments.read']);
const catalogueWrites = agenda(can['agenda.catalogue.write']);
const settingsWrites = agenda(can['agenda.settings.write']);

const settingsRouter = router({
  // The integration's configuration (where client notifications go) is for who may change it.
  get: settingsWrites.query(({ ctx }) =>
    ctx.withTenant(async (trx) =>
      toSettingsView(await agendaSettingsRow(trx, ctx.services.secrets), ctx.services.secrets, ctx.services.config.publicUrl),
    ),
  ),
  update: settingsWrites.input(updateSettingsInput).mutation(async ({ ctx, input }) => {
    if (input.n8nOutboundUrl) await ctx.services.outboundGuard.checkUrl(input.n8nOutboundUrl, 'n8nOutboundUrl');
    return ctx.withTenant(async (trx) =>
      toSettingsView(
        await updateAgendaSettings(trx, ctx.audit, ctx.services.secrets, input),
        ctx.services.secrets,
        ctx.services.config.publicUrl,
      ),
    );
  }),
  rotateSecret: settingsWrites.mutation(({ ctx }) => ctx.withTenant((trx) => rotateInboundSecret(trx, ctx.audit, ctx.services.secrets))),
});

const servicesRouter = router({
  list: reads.query(async ({ ctx }) => (await ctx.withTenant((trx) => listServices(trx))).map(toServiceView)),
  get: reads.input(byId).query(async ({ ctx, input }) => toServiceView(await ctx.withTenant((trx) => findService(trx, input.id)))),
  create: catalogueWrites
    .input(createServiceInput)
    .mutation(async ({ ctx, input }) => toServiceView(await ctx.withTenant((trx) => createService(trx, ctx.audit, input)))),
  update: catalogueWrites
    .input(updateServiceInput)
    .mutation(async ({ ctx, input }) => toServiceView(await ctx.withTenant((trx) => updateService(trx, ctx.audit, input)))),
});

const professionalsRouter = router({
  list: reads.query(({ ctx }) => ctx.withTenant((trx) => listProfessionals(trx))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => findProfessional(trx, input.id))),
  create: catalogueWrites
    .input(createProfessionalInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => createProfessional(trx, ctx.audit, input))),
  update: catalogueWrites
    .input(updateProfessionalInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateProfessional(trx, ctx.audit, input))),
  exceptions: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => listScheduleExceptions(trx, input.id))),
  setDateOverride: catalogueWrites
    .input(setDateOverrideInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => setDateOverride(trx, ctx.audit, input))),
  clearDateOverride: catalogueWrites
    .input(clearDateOverrideInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => clearDateOverride(trx, ctx.audit, input))),
  addTimeOff: catalogueWrites
    .input(addTimeOffInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => addTimeOff(trx, ctx.audit, input))),
  removeTimeOff: catalogueWrites.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => removeTimeOff(trx, ctx.audit, input.id))),
});

const clientsRouter = router({
  list: reads
    .input(listClientsInput)
    .query(async ({ ctx, input }) => (await ctx.withTenant((trx) => listClients(trx, input))).map(toClientView)),
  get: reads.input(byId).query(async ({ ctx, input }) => toClientView(await ctx.withTenant((trx) => findClient(trx, input.id)))),
  create: catalogueWrites
    .input(createClientInput)
    .mutation(async ({ ctx, input }) => toClientView(await ctx.withTenant((trx) => createClient(trx, ctx.audit, input)))),
  update: catalogueWrites
    .input(updateClientInput)
    .mutation(async ({ ctx, input }) => toClientView(await ctx.withTenant((trx) => updateClient(trx, ctx.audit, input)))),
});

const appointmentWrites = agenda(can['agenda.appointments.write']);

const appointmentsRouter = router({
  list: reads.input(listAppointmentsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAppointments(trx, input))),
  create: appointmentWrites
    .input(createAppointmentInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant(async (trx) =>
        summaryOf(await bookAppointment(trx, ctx.audit, { ...input, startsAt: bookingInstant(input.startsAt, await tenantTimeZone(trx)) })),
      ),
    ),
  reschedule: appointmentWrites
    .input(rescheduleAppointmentInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant(async (trx) =>
        summaryOf(
          await rescheduleAppointment(trx, ctx.audit, { ...input, startsAt: bookingInstant(input.startsAt, await tenantTimeZone(trx)) }),
        ),
      ),
    ),
  cancel: appointmentWrites
    .input(cancelAppointmentInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => summaryOf(await cancelAppointment(trx, ctx.audit, input)))),
  setOutcome: appointmentWrites
    .input(setAppointmentOutcomeInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => summaryOf(await setAppointmentOutcome(trx, ctx.audit, input)))),
});

const authRequestsRouter = router({
  list: reads.input(listAuthRequestsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listAuthRequests(trx, input))),
  decide: agenda(can['agenda.authRequests.decide'])
    .input(decideAuthRequestInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => decideAuthRequest(trx, ctx.audit, input))),
  /** A person proposes a booking for the owner to approve, as the agents do. */
  propose: appointmentWrites.input(proposeBookingInput).mutation(({ ctx, input }) =>
    ctx.withTenant(async (trx) => {
      const startsAt = bookingInstant(input.startsAt, await tenantTimeZone(trx));
      const { request } = await proposeBooking(trx, { ...input, startsAt, offer: input.offer ?? NO_OFFER, createdByAgent: 'manual' });
      return summaryOfRequest(request);
    }),
  ),
});

const campaignWrites = agenda(can['agenda.campaigns.write']);

const campaignsRouter = router({
  list: reads.query(async ({ ctx }) => (await ctx.withTenant((trx) => listCampaigns(trx))).map(toCampaignView)),
  update: campaignWrites
    .input(updateCampaignInput)
    .mutation(async ({ ctx, input }) => toCampaignView(await ctx.withTenant((trx) => updateCampaign(trx, ctx.audit, input)))),
  /** "Rodar agora": a run of its own, whatever ran before (suggestions already made are not made again). */
  run: campaignWrites.input(runCampaignInput).mutation(({ ctx, input }) =>
    runCampaign(ctx.services.db, ctx.tenant.id, input.type, {
      trigger: 'manual',
      slotKey: `manual:${randomUUID()}`,
      ...(input.context ? { context: input.context } : {}),
    }),
  ),
  runs: reads.input(listCampaignRunsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listCampaignRuns(trx, input))),
});

const chatReads = agenda(can['agenda.chat.read']);

const chatRouter = router({
  conversations: chatReads.input(listConversationsInput).query(({ ctx, input }) => ctx.withTenant((trx) => listConversations(trx, input))),
  messages: chatReads
    .input(listConversationMessagesInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listConversationMessages(trx, input))),
});

export const agendaRouter = router({
  settings: settingsRouter,
  services: servicesRouter,
  professionals: professionalsRouter,
  clients: clientsRouter,
  appointments: appointmentsRouter,
  authRequests: authRequestsRouter,
  campaigns: campaignsRouter,
  chat: chatRouter,
  slots: reads
    .input(slotsInput)
    .query(({ ctx, input }) =>
      ctx.withTenant((trx) => openSlotsByProfessional(trx, { ...input, from: new Date(input.from), to: new Date(input.to) })),
    ),
});
