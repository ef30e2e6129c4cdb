import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant-scope';
import type { DeliveryKind } from '../src/platform/deliveries/kinds';
import { enqueueDelivery } from '../src/platform/deliveries/queue';
import type { Services } from '../src/services';
import { appRouter } from '../src/trpc/app-router';
import { callerFor, seedTenant, startTestApp, type TestTenant } from './support/app';
import { addUser, expectTrpcError, ownerCaller, rawRequest, trpcError, type Caller, type TestUser } from './support/identity';
import { receiveMessage } from './support/helpdesk';
import { seedSalon, upcoming } from './support/agenda';
import { receiveClientMessage } from '../src/domains/agenda/chat/agent';
import { freePort } from './support/network';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Procedures that hold no tenant data of their own, or whose isolation is checked elsewhere. */
const TENANT_AGNOSTIC: Record<string, string> = {
  'auth.login': 'public; the tenant is named by slug with the credentials (src/domains/identity/sessions.test.ts)',
  'auth.refresh': 'public; the refresh token finds its own tenant (sessions.test.ts)',
  'auth.logout': 'public; the refresh token finds its own tenant (sessions.test.ts)',
  'auth.acceptInvite': 'public; the invitation token finds its own tenant (src/domains/identity/invitations.test.ts)',
  'roles.permissions': 'the permission catalogue, declared in code',
  'apiTokens.scopes': 'the scope catalogue, declared in code',
  'jobs.definitions': 'the job definitions, declared in code',
  'events.stream': 'a subscription; its tenant scoping is covered by the realtime tests',
  'helpdesk.quickReplies.variables': 'the variable names, declared in code',
};

/** Every try is refused at once, so each tenant's delivery is dead after one recorded attempt. */
const refusedTarget = { url: '' };
const unreachableKind: DeliveryKind<{ tenant: string }> = {
  name: 'test.cross_tenant.unreachable',
  maxAttempts: 1,
  resolveTarget: async () => ({ url: refusedTarget.url, secret: 'cross-tenant-secret' }),
};

interface Fixture {
  tenant: TestTenant;
  owner: Caller;
  user: TestUser;
  customRoleId: string;
  ownerRoleId: string;
  apiToken: { id: string; token: string };
  invitedUserId: string;
  deliveryId: string;
  helpdesk: {
    channelId: string;
    ticketId: string;
    messageId: string;
    contactId: string;
    queueId: string;
    apiId: string;
    quickReplyId: string;
  };
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

async function prepareTenant(services: Services, roleKeys: string[]): Promise<Fixture> {
  const tenant = await seedTenant(services, { modules: ['helpdesk', 'agenda'] });
  const owner = await ownerCaller(services, tenant);
  const user = await addUser(services, tenant, 'agent');
  const roles = [];
  for (const key of roleKeys) roles.push(await owner.roles.create({ key, name: `Role ${key}`, permissions: ['audit.read'] }));
  const ownerRoleId = (await owner.roles.list()).find((role) => role.key === 'owner')!.id;
  const apiToken = await owner.apiTokens.create({ name: 'Export', scopes: ['audit.export', 'audit.read'] });
  const invited = await owner.users.invite({ email: `invited@${tenant.slug}.test`, name: 'Invited', role: 'viewer' });
  const job = services.scheduler.jobs.find((definition) => definition.name === 'identity.housekeeping')!;
  await services.scheduler.runSlot(
    job,
    { id: tenant.tenantId, slug: tenant.slug, timezone: 'America/Sao_Paulo' },
    new Date('2026-01-01T06:30:00Z'),
    'manual',
  );
  const delivery = await withTenant(services.db, tenant.tenantId, (trx) =>
    enqueueDelivery(trx, { kind: unreachableKind, payload: { tenant: tenant.slug } }),
  );
  await services.deliveries.flush();
  const channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: `Canal ${tenant.slug}`, outboundUrl: refusedTarget.url }))
    .id;
  const received = await receiveMessage(services, tenant.tenantId, channelId, {
    from: '5511955554444',
    contactName: `Contato ${tenant.slug}`,
  });
  const contactId = (await owner.helpdesk.tickets.get({ id: received.ticketId })).contact.id;
  const queueId = (await owner.helpdesk.queues.create({ name: `Fila ${tenant.slug}`, memberIds: [user.userId] })).id;
  const { apiId } = await owner.helpdesk.apiConfigs.create({ name: 'ERP', channelId });
  const quickReplyId = (await owner.helpdesk.quickReplies.create({ shortcut: 'ola', text: 'Olá {{contact.name}}' })).id;
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
    tenant,
    owner,
    user,
    customRoleId: roles[0]!.id,
    ownerRoleId,
    apiToken,
    invitedUserId: invited.user.id,
    deliveryId: delivery.id,
    helpdesk: { channelId, ticketId: received.ticketId, messageId: received.messageId, contactId, queueId, apiId, quickReplyId },
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
}

/** Everything of a tenant that a foreign call could alter, read under its own row-level security. */
function snapshot(services: Services, tenantId: string) {
  return withTenant(services.db, tenantId, async (trx) => ({
    tenant: await trx.selectFrom('tenants').selectAll().execute(),
    users: await trx.selectFrom('users').selectAll().orderBy('id').execute(),
    roles: await trx.selectFrom('roles').selectAll().orderBy('id').execute(),
    apiTokens: await trx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'scopes', 'revoked_at', 'expires_at', 'token_hash'])
      .orderBy('id')
      .execute(),
    deliveries: await trx
      .selectFrom('deliveries')
      .select(['id', 'status', 'attempts', 'next_attempt_at', 'updated_at'])
      .orderBy('id')
      .execute(),
    helpdesk: {
      settings: await trx.selectFrom('helpdesk_settings').selectAll().execute(),
      channels: await trx.selectFrom('helpdesk_channels').selectAll().orderBy('id').execute(),
      contacts: await trx.selectFrom('helpdesk_contacts').selectAll().orderBy('id').execute(),
      queues: await trx.selectFrom('helpdesk_queues').selectAll().orderBy('id').execute(),
      members: await trx.selectFrom('helpdesk_queue_members').selectAll().orderBy('user_id').execute(),
      tickets: await trx.selectFrom('helpdesk_tickets').selectAll().orderBy('id').execute(),
      messages: await trx.selectFrom('helpdesk_messages').selectAll().orderBy('id').execute(),
      apiConfigs: await trx.selectFrom('helpdesk_api_configs').selectAll().orderBy('id').execute(),
      quickReplies: await trx.selectFrom('helpdesk_quick_replies').selectAll().orderBy('id').execute(),
    },
    agenda: {
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
    },
  }));
}

const idsOf = (services: Services, tenantId: string, table: 'audit_log' | 'job_runs') =>
  withTenant(services.db, tenantId, async (trx) => new Set((await trx.selectFrom(table).select('id').execute()).map((row) => row.id)));

describe('cross-tenant isolation: tenant B calls every procedure with tenant A ids', () => {
  let app: RunningTestApp;
  let a: Fixture;
  let b: Fixture;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    refusedTarget.url = `http://127.0.0.1:${await freePort()}/hook`;
    app = await startTestApp();
    app.services.deliveries.register(unreachableKind);
    a = await prepareTenant(app.services, ['a_only', 'shared_key']);
    b = await prepareTenant(app.services, ['b_only']);
    before = await snapshot(app.services, a.tenant.tenantId);
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Each of A's ids answers exactly what a random uuid answers: NOT_FOUND, same message. */
  async function expectUnknownToB(call: (id: string) => Promise<unknown>, foreignIds: () => string[]): Promise<void> {
    const random = await trpcError(call(crypto.randomUUID()));
    expect(random.code).toBe('NOT_FOUND');
    for (const id of foreignIds()) {
      const foreign = await trpcError(call(id));
      expect({ code: foreign.code, reason: foreign.reason, message: foreign.message }).toEqual({
        code: random.code,
        reason: random.reason,
        message: random.message,
      });
    }
  }
  const aUserIds = () => [a.tenant.ownerId, a.user.userId];
  const aRoleIds = () => [a.customRoleId, a.ownerRoleId];

  const cases: Record<string, () => Promise<void>> = {
    'auth.me': async () => {
      const me = await b.owner.auth.me();
      expect(me.user.id).toBe(b.tenant.ownerId);
      expect(me.tenant.id).toBe(b.tenant.tenantId);
    },
    'users.list': async () => {
      const ids = (await b.owner.users.list()).map((user) => user.id);
      expect(ids).toEqual(expect.arrayContaining([b.tenant.ownerId, b.user.userId]));
      for (const id of aUserIds()) expect(ids).not.toContain(id);
    },
    'users.get': () => expectUnknownToB((id) => b.owner.users.get({ id }), aUserIds),
    'users.update': () =>
      expectUnknownToB(
        (id) => b.owner.users.update({ id, name: 'Hijacked', role: 'viewer', password: 'hijacked-password', email: 'hijack@example.com' }),
        aUserIds,
      ),
    'users.deactivate': () => expectUnknownToB((id) => b.owner.users.deactivate({ id }), aUserIds),
    'users.reactivate': () => expectUnknownToB((id) => b.owner.users.reactivate({ id }), aUserIds),
    'users.create': async () => {
      await expectTrpcError(
        b.owner.users.create({ email: 'x@example.com', name: 'X', password: 'x-password', role: 'a_only' }),
        'BAD_REQUEST',
        'UNKNOWN_ROLE',
      );
      const twin = await b.owner.users.create({ email: a.user.email, name: 'Twin', password: 'twin-password', role: 'viewer' });
      expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.id);
    },
    'users.invite': async () => {
      await expectTrpcError(b.owner.users.invite({ email: 'y@example.com', name: 'Y', role: 'a_only' }), 'BAD_REQUEST', 'UNKNOWN_ROLE');
      const twin = await b.owner.users.invite({ email: a.tenant.ownerEmail, name: 'Twin invited', role: 'viewer' });
      expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.user.id);
    },
    'users.reissueInvite': () =>
      expectUnknownToB(
        (id) => b.owner.users.reissueInvite({ id }),
        () => [a.invitedUserId, ...aUserIds()],
      ),
    'roles.list': async () => {
      const roles = await b.owner.roles.list();
      expect(roles.map((role) => role.id)).toContain(b.customRoleId);
      for (const id of aRoleIds()) expect(roles.map((role) => role.id)).not.toContain(id);
      expect(roles.map((role) => role.key)).not.toContain('a_only');
    },
    'roles.create': async () => {
      await expect(
        b.owner.roles.create({ key: 'shared_key', name: 'Same key, other tenant', permissions: ['audit.read'] }),
      ).resolves.toMatchObject({ key: 'shared_key' });
    },
    'roles.update': () => expectUnknownToB((id) => b.owner.roles.update({ id, name: 'Hijacked', permissions: ['*'] }), aRoleIds),
    'roles.delete': () => expectUnknownToB((id) => b.owner.roles.delete({ id }), aRoleIds),
    'apiTokens.list': async () => {
      const ids = (await b.owner.apiTokens.list()).map((token) => token.id);
      expect(ids).toContain(b.apiToken.id);
      expect(ids).not.toContain(a.apiToken.id);
    },
    'apiTokens.create': async () => {
      const created = await b.owner.apiTokens.create({ name: 'Mine', scopes: ['audit.read'] });
      const whoami = await rawRequest(`${app.url}/api/v1/auth/whoami`, { token: created.token });
      expect(whoami.json).toMatchObject({ tenantId: b.tenant.tenantId });
    },
    'apiTokens.revoke': async () => {
      await expectUnknownToB(
        (id) => b.owner.apiTokens.revoke({ id }),
        () => [a.apiToken.id],
      );
      expect((await rawRequest(`${app.url}/api/v1/auth/whoami`, { token: a.apiToken.token })).status).toBe(200);
    },
    'tenant.get': async () => {
      expect(await b.owner.tenant.get()).toMatchObject({ id: b.tenant.tenantId, slug: b.tenant.slug });
    },
    'tenant.update': async () => {
      await expect(b.owner.tenant.update({ name: 'B renamed', modules: ['helpdesk', 'agenda'] })).resolves.toMatchObject({
        id: b.tenant.tenantId,
        name: 'B renamed',
      });
    },
    'audit.list': async () => {
      const aIds = await idsOf(app.services, a.tenant.tenantId, 'audit_log');
      const items = (await b.owner.audit.list({ limit: 200 })).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.filter((item) => aIds.has(item.id))).toEqual([]);
      expect((await b.owner.audit.list({ actorId: a.tenant.ownerId })).items).toEqual([]);
      for (const id of [...aUserIds(), a.apiToken.id, a.tenant.tenantId])
        expect((await b.owner.audit.list({ entityId: id })).items).toEqual([]);
    },
    'jobs.runs': async () => {
      const aRuns = await idsOf(app.services, a.tenant.tenantId, 'job_runs');
      const bRuns = await idsOf(app.services, b.tenant.tenantId, 'job_runs');
      const items = (await b.owner.jobs.runs()).items;
      expect(new Set(items.map((run) => run.id))).toEqual(bRuns);
      expect(items.filter((run) => aRuns.has(run.id))).toEqual([]);
    },
    'deliveries.list': async () => {
      const ids = (await b.owner.deliveries.list({ limit: 200 })).items.map((delivery) => delivery.id);
      expect(ids).toEqual([b.deliveryId]);
      expect((await b.owner.deliveries.list({ kind: unreachableKind.name, status: 'dead' })).items.map((delivery) => delivery.id)).toEqual([
        b.deliveryId,
      ]);
    },
    'deliveries.attempts': async () => {
      expect(await b.owner.deliveries.attempts({ id: b.deliveryId })).toHaveLength(1);
      await expectUnknownToB(
        (id) => b.owner.deliveries.attempts({ id }),
        () => [a.deliveryId],
      );
    },
    'deliveries.replay': () =>
      expectUnknownToB(
        (id) => b.owner.deliveries.replay({ id }),
        () => [a.deliveryId],
      ),
    ...helpdeskCases(),
    ...agendaCases(),
  };

  /** The agenda: A's clients, services, professionals, bookings and proposals are unknown to B; B's own lists and slots hold only B's. */
  function agendaCases(): Record<string, () => Promise<void>> {
    const day = (time: string) => `${a.agenda.date}T${time}`;
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    const range = () => ({ from: `${a.agenda.date}T00:00:00Z`, to: `${a.agenda.date}T23:59:00Z` });
    return {
      'agenda.settings.get': async () =>
        expect((await b.owner.agenda.settings.get()).inboundSecret).not.toBe((await a.owner.agenda.settings.get()).inboundSecret),
      'agenda.settings.update': async () =>
        expect(await b.owner.agenda.settings.update({ n8nOutboundUrl: 'http://127.0.0.1:9/b' })).toMatchObject({
          n8nOutboundUrl: 'http://127.0.0.1:9/b',
        }),
      'agenda.settings.rotateSecret': async () => {
        const aSecret = (await a.owner.agenda.settings.get()).inboundSecret;
        await b.owner.agenda.settings.rotateSecret();
        expect((await a.owner.agenda.settings.get()).inboundSecret).toBe(aSecret);
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
  }

  /** The helpdesk: every id of A reads as unknown to B, and B's lists hold only B's. */
  function helpdeskCases(): Record<string, () => Promise<void>> {
    const ticket = () => [a.helpdesk.ticketId];
    const expectOnlyB = <T>(items: T[], idOf: (item: T) => string, mine: string, theirs: string) => {
      const ids = items.map(idOf);
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    return {
      'helpdesk.channels.create': async () => {
        const created = await b.owner.helpdesk.channels.create({ type: 'n8n', name: 'Outro', outboundUrl: 'http://127.0.0.1:9/x' });
        expectOnlyB(await b.owner.helpdesk.channels.list(), (channel) => channel.id, created.id, a.helpdesk.channelId);
      },
      'helpdesk.channels.list': async () =>
        expectOnlyB(await b.owner.helpdesk.channels.list(), (channel) => channel.id, b.helpdesk.channelId, a.helpdesk.channelId),
      'helpdesk.channels.get': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.get({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.update({ id, name: 'Sequestrado', outboundUrl: 'http://evil.test/' }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.rotateSecret': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.rotateSecret({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.disconnect': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.disconnect({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.connect': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.connect({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.statusHistory': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.statusHistory({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.checkConnection': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.checkConnection({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.tickets.list': async () => {
        expectOnlyB(
          (await b.owner.helpdesk.tickets.list({ limit: 100 })).items,
          (item) => item.id,
          b.helpdesk.ticketId,
          a.helpdesk.ticketId,
        );
        expect((await b.owner.helpdesk.tickets.list({ queueId: a.helpdesk.queueId })).items).toEqual([]);
        expect((await b.owner.helpdesk.tickets.list({ search: `Contato ${a.tenant.slug}` })).items).toEqual([]);
      },
      'helpdesk.agents.list': async () => {
        const ids = (await b.owner.helpdesk.agents.list()).map((user) => user.id);
        expect(ids).toContain(b.tenant.ownerId);
        for (const id of aUserIds()) expect(ids).not.toContain(id);
      },
      'helpdesk.tickets.counts': async () => {
        const counts = await b.owner.helpdesk.tickets.counts();
        const own = (await b.owner.helpdesk.tickets.list({ limit: 100 })).items.length;
        expect(counts.pending + counts.open + counts.closed).toBe(own);
      },
      'helpdesk.tickets.get': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.get({ id }), ticket),
      'helpdesk.tickets.markRead': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.markRead({ id }), ticket),
      'helpdesk.tickets.accept': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.accept({ id }), ticket),
      'helpdesk.tickets.transfer': async () => {
        await expectUnknownToB((id) => b.owner.helpdesk.tickets.transfer({ id, queueId: b.helpdesk.queueId }), ticket);
        await expectUnknownToB(
          (queueId) => b.owner.helpdesk.tickets.transfer({ id: b.helpdesk.ticketId, queueId }),
          () => [a.helpdesk.queueId],
        );
        await expectUnknownToB(
          (userId) => b.owner.helpdesk.tickets.transfer({ id: b.helpdesk.ticketId, userId }),
          () => [a.user.userId],
        );
      },
      'helpdesk.tickets.close': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.close({ id }), ticket),
      'helpdesk.tickets.reopen': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.reopen({ id }), ticket),
      'helpdesk.tickets.setTags': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.setTags({ id, tags: ['intruso'] }), ticket),
      'helpdesk.contacts.merge': async () => {
        await expectUnknownToB(
          (sourceId) => b.owner.helpdesk.contacts.merge({ sourceId, targetId: b.helpdesk.contactId }),
          () => [a.helpdesk.contactId],
        );
        await expectUnknownToB(
          (targetId) => b.owner.helpdesk.contacts.merge({ sourceId: b.helpdesk.contactId, targetId }),
          () => [a.helpdesk.contactId],
        );
      },
      'helpdesk.quickReplies.list': async () => {
        const replies = await b.owner.helpdesk.quickReplies.list();
        expect(replies.map((reply) => reply.id)).toEqual([b.helpdesk.quickReplyId]);
      },
      'helpdesk.quickReplies.create': async () => {
        await expect(b.owner.helpdesk.quickReplies.create({ shortcut: 'exclusivo-b', text: 'B' })).resolves.toMatchObject({
          shortcut: 'exclusivo-b',
        });
      },
      'helpdesk.quickReplies.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.update({ id, text: 'sequestrado' }),
          () => [a.helpdesk.quickReplyId],
        ),
      'helpdesk.quickReplies.delete': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.delete({ id }),
          () => [a.helpdesk.quickReplyId],
        ),
      'helpdesk.quickReplies.render': async () => {
        await expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.render({ id, ticketId: b.helpdesk.ticketId }),
          () => [a.helpdesk.quickReplyId],
        );
        await expectUnknownToB((ticketId) => b.owner.helpdesk.quickReplies.render({ id: b.helpdesk.quickReplyId, ticketId }), ticket);
      },
      'helpdesk.messages.list': () => expectUnknownToB((ticketId) => b.owner.helpdesk.messages.list({ ticketId }), ticket),
      'helpdesk.messages.send': async () => {
        await expectUnknownToB((ticketId) => b.owner.helpdesk.messages.send({ ticketId, body: 'intruso' }), ticket);
        await expectTrpcError(
          b.owner.helpdesk.messages.send({ ticketId: b.helpdesk.ticketId, body: 'citação', quotedMessageId: a.helpdesk.messageId }),
          'NOT_FOUND',
        );
      },
      'helpdesk.contacts.list': async () => {
        expectOnlyB((await b.owner.helpdesk.contacts.list({})).items, (contact) => contact.id, b.helpdesk.contactId, a.helpdesk.contactId);
        // The search runs outside row-level security (for its indexes): it must still stay in B.
        expect((await b.owner.helpdesk.contacts.list({ search: `Contato ${a.tenant.slug}` })).items).toEqual([]);
        expect((await b.owner.helpdesk.contacts.list({ search: '955554444' })).items.map((contact) => contact.id)).toEqual([
          b.helpdesk.contactId,
        ]);
      },
      'helpdesk.contacts.get': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.contacts.get({ id }),
          () => [a.helpdesk.contactId],
        ),
      'helpdesk.contacts.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.contacts.update({ id, name: 'Sequestrado' }),
          () => [a.helpdesk.contactId],
        ),
      'helpdesk.queues.list': async () =>
        expectOnlyB(await b.owner.helpdesk.queues.list(), (queue) => queue.id, b.helpdesk.queueId, a.helpdesk.queueId),
      'helpdesk.queues.create': async () => {
        await expect(b.owner.helpdesk.queues.create({ name: `Fila ${a.tenant.slug}` })).resolves.toMatchObject({
          name: `Fila ${a.tenant.slug}`,
        });
        await expectTrpcError(
          b.owner.helpdesk.queues.create({ name: 'Com membro de A', memberIds: [a.user.userId] }),
          'BAD_REQUEST',
          'UNKNOWN_MEMBER',
        );
      },
      'helpdesk.queues.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.queues.update({ id, name: 'Sequestrada' }),
          () => [a.helpdesk.queueId],
        ),
      'helpdesk.queues.delete': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.queues.delete({ id }),
          () => [a.helpdesk.queueId],
        ),
      'helpdesk.settings.get': async () =>
        expect(await b.owner.helpdesk.settings.get()).toMatchObject({ reopenWindowMinutes: expect.any(Number) }),
      'helpdesk.settings.update': async () =>
        expect(await b.owner.helpdesk.settings.update({ reopenWindowMinutes: 5 })).toMatchObject({ reopenWindowMinutes: 5 }),
      'helpdesk.apiConfigs.create': async () => {
        await expectUnknownToB(
          (channelId) => b.owner.helpdesk.apiConfigs.create({ name: 'X', channelId }),
          () => [a.helpdesk.channelId],
        );
      },
      'helpdesk.apiConfigs.list': async () => {
        const configs = await b.owner.helpdesk.apiConfigs.list();
        expectOnlyB(configs, (config) => config.apiId, b.helpdesk.apiId, a.helpdesk.apiId);
        expect(configs.find((config) => config.apiId === b.helpdesk.apiId)?.sendUrl).toMatch(
          new RegExp(`/v1/api/external/${b.helpdesk.apiId}$`),
        );
      },
      'helpdesk.apiConfigs.update': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.update({ apiId, callbackUrl: 'http://evil.test/' }),
          () => [a.helpdesk.apiId],
        ),
      'helpdesk.apiConfigs.revoke': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.revoke({ apiId }),
          () => [a.helpdesk.apiId],
        ),
      'helpdesk.apiConfigs.calls': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.calls({ apiId }),
          () => [a.helpdesk.apiId],
        ),
    };
  }

  it('every procedure of the app router is covered here or declared tenant-agnostic', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const uncovered = procedures.filter((path) => !(path in cases) && !(path in TENANT_AGNOSTIC));
    expect(uncovered, 'add a cross-tenant case (or a reason it holds no tenant data) for these procedures').toEqual([]);
    const stale = [...Object.keys(cases), ...Object.keys(TENANT_AGNOSTIC)].filter((path) => !procedures.includes(path));
    expect(stale, 'these cases name procedures that no longer exist').toEqual([]);
    expect(Object.keys(cases).filter((path) => path in TENANT_AGNOSTIC)).toEqual([]);
  });

  it.each(Object.keys(cases))('%s stays within tenant B', async (path) => {
    await cases[path]!();
  });

  it("B's agenda secret and token reach only B's agenda through n8n's endpoints", async () => {
    const bSecret = (await b.owner.agenda.settings.get()).inboundSecret;
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      rawRequest(`${app.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const message = {
      tenant_id: a.tenant.tenantId,
      phone: '+5511955554444',
      message: 'quero agendar amanhã às 10h',
      timestamp: new Date().toISOString(),
    };
    expect((await post('/webhooks/n8n/message-received', message, { 'x-webhook-secret': bSecret })).status).toBe(401);
    expect(
      (
        await post(
          '/webhooks/n8n/message-received',
          { ...message, tenant_id: b.tenant.tenantId, client_id: a.agenda.clientId },
          { 'x-webhook-secret': bSecret },
        )
      ).json,
    ).toMatchObject({ error: 'ERR_CLIENT_NOT_FOUND' });
    expect((await post('/automations/prazo-certo/execute', { tenant_id: a.tenant.tenantId }, { 'x-webhook-secret': bSecret })).status).toBe(
      401,
    );
    expect(
      (await post('/automations/prazo-certo/execute', {}, { 'x-webhook-secret': bSecret, 'x-tenant-id': a.tenant.tenantId })).status,
    ).toBe(401);
    const bToken = await b.owner.apiTokens.create({ name: 'n8n B', scopes: ['agenda.campaigns.write'] });
    const ran = await post(
      '/automations/encher-agenda/execute',
      { professional_id: a.agenda.professionalId },
      { authorization: `Bearer ${bToken.token}` },
    );
    expect(ran.json).toMatchObject({ error: 'ERR_PROFESSIONAL_NOT_FOUND' });
    // B's own secret alone runs B's campaign; A's runs are untouched (the snapshot below).
    expect((await post('/automations/prazo-certo/execute', {}, { 'x-webhook-secret': bSecret })).json).toMatchObject({ status: 'success' });
  });

  it("B's API token exports only B's audit", async () => {
    const aIds = await idsOf(app.services, a.tenant.tenantId, 'audit_log');
    const bIds = await idsOf(app.services, b.tenant.tenantId, 'audit_log');
    const exported = await rawRequest(`${app.url}/api/v1/audit/export?format=json`, { token: b.apiToken.token });
    expect(exported.status).toBe(200);
    const ids = (exported.json as Array<{ id: string }>).map((item) => item.id);
    expect(new Set(ids)).toEqual(bIds);
    expect(ids.filter((id) => aIds.has(id))).toEqual([]);
    const filtered = await rawRequest(`${app.url}/api/v1/audit/export?format=json&actorId=${a.tenant.ownerId}`, {
      token: b.apiToken.token,
    });
    expect(filtered.json).toEqual([]);
  });

  it("A's users and token still work, and nothing of A changed", async () => {
    expect(await snapshot(app.services, a.tenant.tenantId)).toEqual(before);
    const aUser = await callerFor(app.services, a.user);
    expect((await aUser.auth.me()).tenant).toMatchObject({
      id: a.tenant.tenantId,
      name: `Tenant ${a.tenant.slug}`,
      modules: ['helpdesk', 'agenda'],
    });
    expect((await a.owner.roles.list()).map((role) => role.key)).toEqual(expect.arrayContaining(['a_only', 'shared_key']));
  });
});
