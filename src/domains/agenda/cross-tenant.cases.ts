import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { seedSalon, upcoming } from '../../../test/support/agenda';
import { expectTrpcError, rawRequest } from '../../../test/support/identity';
import { withTenant } from '../../db/tenant-scope';
import { receiveClientMessage } from './chat/agent';

interface AgendaFixture {
  agenda: {
    clientId: string;
    serviceId: string;
    professionalId: string;
    appointmentId: string;
    authRequestId: string;
    timeOffId: string;
    date: string;
    conversationId: string;
    runId: string;
  };
}

/** The agenda: A's clients, services, professionals, bookings and proposals are unknown to B; B's own lists and slots hold only B's. */
export const crossTenantSuite = defineCrossTenantSuite<AgendaFixture>({
  name: 'agenda',
  async prepare(services, { tenant, owner }) {
    const salon = await seedSalon(owner);
    await owner.agenda.settings.get();
    const date = upcoming(3);
    const appointment = await owner.agenda.appointments.create({
      clientId: salon.ana.id,
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      startsAt: `${date}T10:00`,
    });
    const authRequest = await owner.agenda.authRequests.propose({
      clientId: salon.ana.id,
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      startsAt: `${date}T14:00`,
    });
    const timeOff = await owner.agenda.professionals.addTimeOff({
      professionalId: salon.bruno.id,
      startsAt: `${date}T20:00:00Z`,
      endsAt: `${date}T21:00:00Z`,
    });
    const anaPhone = (await owner.agenda.clients.get({ id: salon.ana.id })).phone;
    const { conversationId } = await withTenant(services.db, tenant.tenantId, (trx) =>
      receiveClientMessage(trx, { phone: anaPhone, message: 'Oi', channel: 'whatsapp', timestamp: new Date().toISOString() }),
    );
    const run = await owner.agenda.campaigns.run({ type: 'encher_agenda' });
    return {
      agenda: {
        clientId: salon.ana.id,
        serviceId: salon.corte.id,
        professionalId: salon.carol.id,
        appointmentId: appointment.appointmentId,
        authRequestId: authRequest.authRequestId,
        timeOffId: timeOff.id,
        date,
        conversationId,
        runId: run.id,
      },
    };
  },
  snapshot: async (trx) => ({
    settings: await trx.selectFrom('agenda_settings').selectAll().execute(),
    clients: await trx.selectFrom('agenda_clients').selectAll().orderBy('id').execute(),
    services: await trx.selectFrom('agenda_services').selectAll().orderBy('id').execute(),
    professionals: await trx.selectFrom('agenda_professionals').selectAll().orderBy('id').execute(),
    offered: await trx.selectFrom('agenda_professional_services').selectAll().orderBy('professional_id').orderBy('service_id').execute(),
    overrides: await trx.selectFrom('agenda_date_overrides').selectAll().orderBy('professional_id').execute(),
    timeOff: await trx.selectFrom('agenda_time_off').selectAll().orderBy('id').execute(),
    appointments: await trx.selectFrom('agenda_appointments').selectAll().orderBy('id').execute(),
    authRequests: await trx.selectFrom('agenda_auth_requests').selectAll().orderBy('id').execute(),
    notifications: await trx.selectFrom('agenda_notifications').selectAll().orderBy('id').execute(),
    campaigns: await trx.selectFrom('agenda_campaigns').selectAll().orderBy('type').execute(),
    campaignRuns: await trx.selectFrom('agenda_campaign_runs').selectAll().orderBy('id').execute(),
    conversations: await trx.selectFrom('agenda_conversations').selectAll().orderBy('id').execute(),
    chatMessages: await trx.selectFrom('agenda_chat_messages').selectAll().orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const day = (time: string) => `${a.agenda.date}T${time}`;
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    const range = () => ({ from: `${a.agenda.date}T00:00:00Z`, to: `${a.agenda.date}T23:59:00Z` });
    return {
      'agenda.settings.get': async () =>
        expect((await b.owner.agenda.settings.get()).inboundSecretHint).not.toBe((await a.owner.agenda.settings.get()).inboundSecretHint),
      'agenda.settings.update': async () =>
        expect(await b.owner.agenda.settings.update({ n8nOutboundUrl: 'http://127.0.0.1:9/b' })).toMatchObject({
          n8nOutboundUrl: 'http://127.0.0.1:9/b',
        }),
      'agenda.settings.rotateSecret': async () => {
        const aHint = (await a.owner.agenda.settings.get()).inboundSecretHint;
        const { inboundSecret } = await b.owner.agenda.settings.rotateSecret();
        expect((await b.owner.agenda.settings.get()).inboundSecretHint).toBe(`…${inboundSecret.slice(-4)}`);
        expect((await a.owner.agenda.settings.get()).inboundSecretHint).toBe(aHint);
      },
      'agenda.services.list': async () =>
        onlyB(
          (await b.owner.agenda.services.list()).map((service) => service.id),
          b.agenda.serviceId,
          a.agenda.serviceId,
        ),
      'agenda.services.get': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.services.get({ id }),
          () => [a.agenda.serviceId],
        ),
      'agenda.services.create': async () =>
        expect(await b.owner.agenda.services.create({ name: 'Só de B', durationMin: 20, priceCents: 100 })).toMatchObject({
          name: 'Só de B',
        }),
      'agenda.services.update': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.services.update({ id, priceCents: 1 }),
          () => [a.agenda.serviceId],
        ),
      'agenda.professionals.list': async () =>
        onlyB(
          (await b.owner.agenda.professionals.list()).map((professional) => professional.id),
          b.agenda.professionalId,
          a.agenda.professionalId,
        ),
      'agenda.professionals.get': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.professionals.get({ id }),
          () => [a.agenda.professionalId],
        ),
      'agenda.professionals.create': async () => {
        await expectTrpcError(
          b.owner.agenda.professionals.create({ name: 'Com serviço de A', serviceIds: [a.agenda.serviceId], hours: [] }),
          'NOT_FOUND',
          'SERVICE_NOT_FOUND',
        );
      },
      'agenda.professionals.update': async () => {
        await expectUnknownToB(
          (id) => b.owner.agenda.professionals.update({ id, name: 'Sequestrada' }),
          () => [a.agenda.professionalId],
        );
        await expectTrpcError(
          b.owner.agenda.professionals.update({ id: b.agenda.professionalId, serviceIds: [a.agenda.serviceId] }),
          'NOT_FOUND',
          'SERVICE_NOT_FOUND',
        );
      },
      'agenda.professionals.exceptions': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.professionals.exceptions({ id }),
          () => [a.agenda.professionalId],
        ),
      'agenda.professionals.setDateOverride': () =>
        expectUnknownToB(
          (professionalId) => b.owner.agenda.professionals.setDateOverride({ professionalId, date: a.agenda.date, intervals: [] }),
          () => [a.agenda.professionalId],
        ),
      'agenda.professionals.clearDateOverride': () =>
        expectUnknownToB(
          (professionalId) => b.owner.agenda.professionals.clearDateOverride({ professionalId, date: a.agenda.date }),
          () => [a.agenda.professionalId],
        ),
      'agenda.professionals.addTimeOff': () =>
        expectUnknownToB(
          (professionalId) =>
            b.owner.agenda.professionals.addTimeOff({
              professionalId,
              startsAt: `${a.agenda.date}T12:00:00Z`,
              endsAt: `${a.agenda.date}T13:00:00Z`,
            }),
          () => [a.agenda.professionalId],
        ),
      'agenda.professionals.removeTimeOff': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.professionals.removeTimeOff({ id }),
          () => [a.agenda.timeOffId],
        ),
      'agenda.clients.list': async () =>
        onlyB(
          (await b.owner.agenda.clients.list({ search: 'Ana' })).map((client) => client.id),
          b.agenda.clientId,
          a.agenda.clientId,
        ),
      'agenda.clients.get': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.clients.get({ id }),
          () => [a.agenda.clientId],
        ),
      'agenda.clients.create': async () => {
        // A's client's phone is free in B: phones are unique per tenant, and A's do not leak.
        const aClient = await a.owner.agenda.clients.get({ id: a.agenda.clientId });
        const twin = await b.owner.agenda.clients.create({ name: 'Ana de B', phone: aClient.phone });
        expect((await b.owner.agenda.clients.list({})).map((client) => client.id)).toContain(twin.id);
        await expectTrpcError(b.owner.agenda.clients.create({ name: 'Outra', phone: twin.phone }), 'CONFLICT', 'PHONE_TAKEN');
      },
      'agenda.clients.update': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.clients.update({ id, optedOut: true }),
          () => [a.agenda.clientId],
        ),
      'agenda.appointments.list': async () => {
        const ids = (await b.owner.agenda.appointments.list(range())).map((appointment) => appointment.id);
        onlyB(ids, b.agenda.appointmentId, a.agenda.appointmentId);
        expect(await b.owner.agenda.appointments.list({ ...range(), professionalId: a.agenda.professionalId })).toEqual([]);
      },
      'agenda.appointments.create': async () => {
        await expectUnknownToB(
          (clientId) =>
            b.owner.agenda.appointments.create({
              clientId,
              serviceId: b.agenda.serviceId,
              professionalId: b.agenda.professionalId,
              startsAt: day('16:00'),
            }),
          () => [a.agenda.clientId],
        );
        await expectUnknownToB(
          (serviceId) =>
            b.owner.agenda.appointments.create({
              clientId: b.agenda.clientId,
              serviceId,
              professionalId: b.agenda.professionalId,
              startsAt: day('16:00'),
            }),
          () => [a.agenda.serviceId],
        );
        await expectUnknownToB(
          (professionalId) =>
            b.owner.agenda.appointments.create({
              clientId: b.agenda.clientId,
              serviceId: b.agenda.serviceId,
              professionalId,
              startsAt: day('16:00'),
            }),
          () => [a.agenda.professionalId],
        );
      },
      'agenda.appointments.reschedule': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.appointments.reschedule({ id, startsAt: day('11:00') }),
          () => [a.agenda.appointmentId],
        ),
      'agenda.appointments.cancel': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.appointments.cancel({ id }),
          () => [a.agenda.appointmentId],
        ),
      'agenda.appointments.setOutcome': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.appointments.setOutcome({ id, outcome: 'no_show' }),
          () => [a.agenda.appointmentId],
        ),
      'agenda.authRequests.list': async () =>
        onlyB(
          (await b.owner.agenda.authRequests.list({})).map((request) => request.id),
          b.agenda.authRequestId,
          a.agenda.authRequestId,
        ),
      'agenda.authRequests.decide': () =>
        expectUnknownToB(
          (id) => b.owner.agenda.authRequests.decide({ id, decision: 'approve' }),
          () => [a.agenda.authRequestId],
        ),
      'agenda.authRequests.propose': () =>
        expectUnknownToB(
          (clientId) =>
            b.owner.agenda.authRequests.propose({
              clientId,
              serviceId: b.agenda.serviceId,
              professionalId: b.agenda.professionalId,
              startsAt: day('17:00'),
            }),
          () => [a.agenda.clientId],
        ),
      'agenda.campaigns.list': async () =>
        expect((await b.owner.agenda.campaigns.list()).map((campaign) => campaign.type).sort()).toEqual(['encher_agenda', 'prazo_certo']),
      'agenda.campaigns.update': async () =>
        expect(await b.owner.agenda.campaigns.update({ type: 'prazo_certo', offerValue: 50 })).toMatchObject({ offerValue: 50 }),
      'agenda.campaigns.run': async () => {
        await expectTrpcError(
          b.owner.agenda.campaigns.run({ type: 'encher_agenda', context: { professionalId: a.agenda.professionalId } }),
          'NOT_FOUND',
          'PROFESSIONAL_NOT_FOUND',
        );
        const run = await b.owner.agenda.campaigns.run({ type: 'prazo_certo', context: { serviceId: a.agenda.serviceId } });
        expect(run.stats.total_clients_found).toBe(0);
      },
      'agenda.campaigns.runs': async () =>
        onlyB(
          (await b.owner.agenda.campaigns.runs({})).map((run) => run.id),
          b.agenda.runId,
          a.agenda.runId,
        ),
      'agenda.chat.conversations': async () =>
        onlyB(
          (await b.owner.agenda.chat.conversations({})).map((conversation) => conversation.id),
          b.agenda.conversationId,
          a.agenda.conversationId,
        ),
      'agenda.chat.messages': () =>
        expectUnknownToB(
          (conversationId) => b.owner.agenda.chat.messages({ conversationId }),
          () => [a.agenda.conversationId],
        ),
      'agenda.slots': async () => {
        await expectUnknownToB(
          (serviceId) => b.owner.agenda.slots({ serviceId, ...range() }),
          () => [a.agenda.serviceId],
        );
        expect(
          (await b.owner.agenda.slots({ serviceId: b.agenda.serviceId, professionalId: a.agenda.professionalId, ...range() }))
            .professionals,
        ).toEqual([]);
      },
    };
  },
  /** n8n's endpoints: B's agenda secret and token reach only B's agenda. */
  endpoints: (world) => {
    const { a, b } = world;
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      rawRequest(`${world.app.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    // The secret is shown only when made: B takes a fresh one for each call.
    const bSecret = async () => (await b.owner.agenda.settings.rotateSecret()).inboundSecret;
    return {
      'POST /api/v1/webhooks/n8n/message-received': async () => {
        const message = {
          tenant_id: a.tenant.tenantId,
          phone: '+5511955554444',
          message: 'quero agendar amanhã às 10h',
          timestamp: new Date().toISOString(),
        };
        expect((await post('/webhooks/n8n/message-received', message, { 'x-webhook-secret': await bSecret() })).status).toBe(401);
        expect(
          (
            await post(
              '/webhooks/n8n/message-received',
              { ...message, tenant_id: b.tenant.tenantId, client_id: a.agenda.clientId },
              { 'x-webhook-secret': await bSecret() },
            )
          ).json,
        ).toMatchObject({ error: 'ERR_CLIENT_NOT_FOUND' });
      },
      'POST /api/v1/automations/prazo-certo/execute': async () => {
        const secret = await bSecret();
        expect(
          (await post('/automations/prazo-certo/execute', { tenant_id: a.tenant.tenantId }, { 'x-webhook-secret': secret })).status,
        ).toBe(401);
        expect(
          (await post('/automations/prazo-certo/execute', {}, { 'x-webhook-secret': secret, 'x-tenant-id': a.tenant.tenantId })).status,
        ).toBe(401);
        // B's own secret alone runs B's campaign; A's runs are untouched (the snapshot at the end).
        expect((await post('/automations/prazo-certo/execute', {}, { 'x-webhook-secret': secret })).json).toMatchObject({
          status: 'success',
        });
      },
      'POST /api/v1/automations/encher-agenda/execute': async () => {
        const bToken = await b.owner.apiTokens.create({ name: 'n8n B', scopes: ['agenda.campaigns.write'] });
        const ran = await post(
          '/automations/encher-agenda/execute',
          { professional_id: a.agenda.professionalId },
          { authorization: `Bearer ${bToken.token}` },
        );
        expect(ran.json).toMatchObject({ error: 'ERR_PROFESSIONAL_NOT_FOUND' });
      },
    };
  },
});
