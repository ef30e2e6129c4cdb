import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, login, seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import {
  addUser,
  expectTrpcError,
  ownerCaller,
  rawRequest,
  rawTrpc,
  storedEvents,
  trpcBody,
  type Caller,
} from '../../../../test/support/identity';
import {
  agentPost,
  createAgentDevice,
  registeredAgent,
  seedPurchasingPlaces,
  type RegisteredAgent,
} from '../../../../test/support/inventory-purchasing';
import { deviceCallerFor } from '../../../../test/support/queue';
import { withTenant } from '../../../db/tenant-scope';
import { deleteExpiredHeartbeats, recordHeartbeats } from './heartbeats';
import { raiseSilentAgentAlerts } from './silence';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('machines: the agent registers, heartbeats, opens tickets and alerts; its token reaches nothing else', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let technician: Caller;
  let technicianId: string;

  beforeAll(async () => {
    // Every registration and enrollment here comes from one address.
    app = await startTestApp({ DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP: '1000' });
    tenant = await seedTenant(app.services, { modules: ['inventory', 'queue'] });
    owner = await ownerCaller(app.services, tenant);
    const user = await addUser(app.services, tenant, 'manager', 'Técnica Lia');
    technicianId = user.userId;
    technician = await callerFor(app.services, user);
  });
  afterAll(async () => {
    await app.stop();
  });

  const inTenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(app.services.db, tenant.tenantId, work);
  const machineRow = (deviceId: string) =>
    inTenant((trx) => trx.selectFrom('inventory_machines').selectAll().where('device_id', '=', deviceId).executeTakeFirstOrThrow());
  const heartbeatRows = (deviceId: string) =>
    inTenant((trx) =>
      trx.selectFrom('inventory_machine_heartbeats').selectAll().where('device_id', '=', deviceId).orderBy('sequence').execute(),
    );
  const heartbeat = (agent: RegisteredAgent, body: Record<string, unknown>, header: 'bearer' | 'agent' = 'agent') =>
    agentPost(app.url, '/machines/status', body, { token: agent.token, header });
  /** Makes the machine look silent since `minutes` ago. */
  const silentFor = (deviceId: string, minutes: number) =>
    inTenant((trx) =>
      trx
        .updateTable('inventory_machines')
        .set({ last_heartbeat_at: new Date(Date.now() - minutes * 60_000) })
        .where('device_id', '=', deviceId)
        .execute(),
    );

  describe('registration', () => {
    it('trades the enrollment code for a token, writes the machine and an asset named after the host', async () => {
      const device = await createAgentDevice(owner, { name: 'Agente recepção' });
      const answer = await agentPost(app.url, '/machines/register', {
        enrollmentCode: device.code,
        hardwareId: 'HW-RECEPCAO-01',
        hostname: 'recepcao-01',
        facts: { os: 'Windows 11', ramGb: 16 },
      });
      expect(answer.status).toBe(201);
      const registered = answer.json as RegisteredAgent;
      expect(registered).toMatchObject({ deviceId: device.deviceId, token: expect.stringMatching(/^bdev_/), assetId: expect.any(String) });
      const asset = await inTenant((trx) =>
        trx.selectFrom('inventory_assets').selectAll().where('id', '=', registered.assetId).executeTakeFirstOrThrow(),
      );
      expect(asset).toMatchObject({ name: 'recepcao-01', serial_number: 'HW-RECEPCAO-01' });
      expect(await machineRow(device.deviceId)).toMatchObject({
        hardware_id: 'HW-RECEPCAO-01',
        hostname: 'recepcao-01',
        facts: { os: 'Windows 11', ramGb: 16 },
      });
      expect((await storedEvents(app.services, tenant.tenantId, 'inventory.machine.registered')).at(-1)?.data).toMatchObject({
        deviceId: device.deviceId,
      });

      // The code is spent.
      const again = await agentPost(app.url, '/machines/register', { code: device.code, hardwareId: 'HW-OUTRO' });
      expect(again.status).toBe(401);
      expect(again.json).toMatchObject({ error: 'ERR_ENROLLMENT_INVALID' });
      // The agent registers again with its token (a reinstall of the same agent): same machine, same asset.
      const byToken = await agentPost(
        app.url,
        '/machines/register',
        { hardwareId: 'HW-RECEPCAO-01', hostname: 'recepcao-01b' },
        { token: registered.token, header: 'agent' },
      );
      expect(byToken.status).toBe(200);
      expect(byToken.json).toEqual({ deviceId: device.deviceId, assetId: registered.assetId });
    });

    it('uses the asset the device was bound to in Dispositivos, which must exist in the tenant', async () => {
      const { location } = await seedPurchasingPlaces(app.services, tenant.tenantId, 'Computadores');
      const asset = await inTenant((trx) =>
        trx
          .insertInto('inventory_assets')
          .values({ tenant_id: tenant.tenantId, name: 'Servidor', tag: 'SRV-1', location_id: location.id })
          .returning('id')
          .executeTakeFirstOrThrow(),
      );
      const agent = await registeredAgent(app.url, owner, { assetId: asset.id, hostname: 'servidor' });
      expect(agent.assetId).toBe(asset.id);
      const refused = await expectTrpcError(
        owner.devices.create({ kind: 'inventory.agent', name: 'X', scopes: ['inventory.machines.report'], resource: crypto.randomUUID() }),
        'NOT_FOUND',
        'RESOURCE_NOT_FOUND',
      );
      expect(refused.details).toMatchObject({ field: 'resource' });
    });

    it('refuses wrong codes (401), other kinds of device (403, code kept) and malformed bodies (400)', async () => {
      expect((await agentPost(app.url, '/machines/register', { code: 'ZZZZ-ZZZZ', hardwareId: 'HW-1' })).status).toBe(401);
      expect((await agentPost(app.url, '/machines/register', { code: 'x', hardwareId: 'HW-1' })).status).toBe(401);
      const unit = await owner.queue.units.create({ name: 'Unidade', timeZone: 'America/Sao_Paulo' });
      const kiosk = await owner.devices.create({ kind: 'queue.kiosk', name: 'Totem', scopes: ['queue.tickets.issue'], resource: unit.id });
      const wrongKind = await agentPost(app.url, '/machines/register', { code: kiosk.enrollmentCode, hardwareId: 'HW-2' });
      expect(wrongKind.status).toBe(403);
      expect(wrongKind.json).toMatchObject({ error: 'ERR_DEVICE_KIND_NOT_ALLOWED' });
      const enrolled = await rawRequest(`${app.url}/api/v1/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: kiosk.enrollmentCode }),
      });
      expect(enrolled.status).toBe(201);
      const cases: Array<[unknown, number]> = [
        ['{', 400],
        ['[]', 400],
        [{ code: 'ABCD2345' }, 400],
        [{ code: 'ABCD2345', hardwareId: 'HW', facts: 'não' }, 400],
        // No code and no token: an agent that is not enrolled.
        [{ hardwareId: 'HW-3' }, 401],
      ];
      for (const [body, status] of cases) {
        const answer = await agentPost(app.url, '/machines/register', body);
        expect(answer.status, JSON.stringify(body)).toBe(status);
        expect(answer.json).toMatchObject({ error: expect.any(String), message: expect.any(String), details: expect.any(Object) });
      }
    });

    it('keeps a hardware id with its live agent (409); once that agent is revoked, a new one takes the machine over', async () => {
      const first = await registeredAgent(app.url, owner, { hardwareId: 'HW-REUSED', hostname: 'caixa-01' });
      const second = await createAgentDevice(owner);
      const taken = await agentPost(app.url, '/machines/register', { code: second.code, hardwareId: 'HW-REUSED' });
      expect(taken.status).toBe(409);
      expect(taken.json).toMatchObject({
        error: 'ERR_HARDWARE_ALREADY_REGISTERED',
        details: { field: 'hardwareId', deviceId: first.deviceId },
      });

      await owner.devices.revoke({ id: first.deviceId });
      // The code was not spent by the refusal.
      const takeover = await agentPost(app.url, '/machines/register', { code: second.code, hardwareId: 'HW-REUSED' });
      expect(takeover.status).toBe(201);
      expect(takeover.json).toMatchObject({ deviceId: second.deviceId, assetId: first.assetId });
      expect(await machineRow(second.deviceId)).toMatchObject({ hostname: 'caixa-01', last_sequence: '0', last_heartbeat_at: null });
      expect((await heartbeat(first, { sequence: 1 })).status).toBe(401);
    });
  });

  describe('heartbeats', () => {
    it('stores each sequence once: a replay answers duplicate and stores nothing; the machine advances', async () => {
      const agent = await registeredAgent(app.url, owner, { hostname: 'estoque-01' });
      const first = await heartbeat(agent, {
        sequence: 1,
        hostname: 'estoque-01',
        os: 'Debian 13',
        ip: '10.0.0.7',
        cpuPercent: 12.5,
        diskPercent: 40,
      });
      expect(first.status).toBe(200);
      expect(first.json).toEqual({ accepted: true, duplicate: false, sequence: 1 });
      expect((await heartbeat(agent, { sequence: 2, cpuPercent: 50 }, 'bearer')).json).toMatchObject({ accepted: true });
      const replay = await heartbeat(agent, { sequence: 1, cpuPercent: 99 });
      expect(replay.status).toBe(200);
      expect(replay.json).toEqual({ accepted: false, duplicate: true, sequence: 1 });
      const rows = await heartbeatRows(agent.deviceId);
      expect(rows.map((row) => row.sequence)).toEqual(['1', '2']);
      expect(rows[0]!.facts).toMatchObject({ cpuPercent: 12.5, os: 'Debian 13' });
      // An older sequence never seen is stored, but the machine keeps its newest facts.
      expect((await heartbeat(agent, { sequence: 4, cpuPercent: 70 })).json).toMatchObject({ accepted: true });
      expect((await heartbeat(agent, { sequence: 3, cpuPercent: 5, os: 'Antigo' })).json).toMatchObject({ accepted: true });
      const machine = await machineRow(agent.deviceId);
      expect(machine).toMatchObject({ last_sequence: '4', hostname: 'estoque-01' });
      expect(machine.facts).toMatchObject({ os: 'Debian 13', ip: '10.0.0.7', cpuPercent: 70, diskPercent: 40 });
    });

    it('emits the live event only when the machine comes online: first heartbeat, then only after a silence', async () => {
      const agent = await registeredAgent(app.url, owner, { hostname: 'online-01' });
      const onlineEvents = async () =>
        (await storedEvents(app.services, tenant.tenantId, 'inventory.machine.heartbeat')).filter(
          (event) => (event.data as { deviceId: string }).deviceId === agent.deviceId,
        );
      await heartbeat(agent, { sequence: 1 });
      await heartbeat(agent, { sequence: 2 });
      await heartbeat(agent, { sequence: 2 });
      expect(await onlineEvents()).toHaveLength(1);
      expect((await onlineEvents())[0]!.data).toMatchObject({ deviceId: agent.deviceId, assetId: agent.assetId, hostname: 'online-01' });
      expect((await owner.inventory.machines.list({ status: 'online' })).map((machine) => machine.deviceId)).toContain(agent.deviceId);

      await silentFor(agent.deviceId, 11);
      expect((await owner.inventory.machines.list({ status: 'offline' })).map((machine) => machine.deviceId)).toContain(agent.deviceId);
      await heartbeat(agent, { sequence: 3 });
      expect(await onlineEvents()).toHaveLength(2);
      const detail = await owner.inventory.machines.get({ deviceId: agent.deviceId });
      expect(detail).toMatchObject({ online: true, lastSequence: 3, assetId: agent.assetId, hostname: 'online-01' });
      expect(detail.recentHeartbeats.map((beat) => beat.sequence)).toEqual([3, 2, 1]);
    });

    it('writes a burst of heartbeats in one statement: each answered in order, a repeat in the burst counted once, an unknown agent failing alone', async () => {
      const first = await registeredAgent(app.url, owner, { hostname: 'lote-01' });
      const second = await registeredAgent(app.url, owner, { hostname: 'lote-02' });
      const answers = await inTenant((trx) =>
        recordHeartbeats(trx, [
          { deviceId: first.deviceId, input: { sequence: 1, cpuPercent: 10 } },
          { deviceId: second.deviceId, input: { sequence: 5, cpuPercent: 50 } },
          { deviceId: first.deviceId, input: { sequence: 2, cpuPercent: 20 } },
          { deviceId: first.deviceId, input: { sequence: 1, cpuPercent: 99 } },
          { deviceId: crypto.randomUUID(), input: { sequence: 1 } },
        ]),
      );
      expect(answers.map((answer) => (answer.ok ? answer.value : (answer.error as { reason: string }).reason))).toEqual([
        { accepted: true, duplicate: false, sequence: 1 },
        { accepted: true, duplicate: false, sequence: 5 },
        { accepted: true, duplicate: false, sequence: 2 },
        { accepted: false, duplicate: true, sequence: 1 },
        'MACHINE_NOT_REGISTERED',
      ]);
      expect((await heartbeatRows(first.deviceId)).map((row) => [row.sequence, row.facts.cpuPercent])).toEqual([
        ['1', 10],
        ['2', 20],
      ]);
      expect(await machineRow(first.deviceId)).toMatchObject({ last_sequence: '2', facts: { cpuPercent: 20 } });
      expect(await machineRow(second.deviceId)).toMatchObject({ last_sequence: '5', facts: { cpuPercent: 50 } });
      const online = (await storedEvents(app.services, tenant.tenantId, 'inventory.machine.heartbeat')).filter((event) =>
        [first.deviceId, second.deviceId].includes((event.data as { deviceId: string }).deviceId),
      );
      expect(online).toHaveLength(2);
    });

    it('answers 409 to an agent enrolled without registering, and 400 to a bad heartbeat', async () => {
      const device = await createAgentDevice(owner);
      const enrolled = await rawRequest(`${app.url}/api/v1/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: device.code }),
      });
      const token = (enrolled.json as { token: string }).token;
      const unregistered = await agentPost(app.url, '/machines/status', { sequence: 1 }, { token });
      expect(unregistered.status).toBe(409);
      expect(unregistered.json).toMatchObject({ error: 'ERR_MACHINE_NOT_REGISTERED' });

      const agent = await registeredAgent(app.url, owner);
      for (const body of [
        {},
        { sequence: 0 },
        { sequence: 1.5 },
        { sequence: '1' },
        { sequence: 1, cpuPercent: 120 },
        { sequence: 1, ip: 'x' },
        { sequence: 1, extra: true },
      ]) {
        const answer = await heartbeat(agent, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.json).toMatchObject({ error: 'ERR_VALIDATION' });
      }
      expect(await heartbeatRows(agent.deviceId)).toEqual([]);
    });

    it('checks the token in the batch that writes it: an agent revoked after its first beats is refused and stores nothing, the beat beside it is stored', async () => {
      const revoked = await registeredAgent(app.url, owner, { hostname: 'revogado-01' });
      const kept = await registeredAgent(app.url, owner, { hostname: 'mantido-01' });
      for (const agent of [revoked, kept]) expect((await heartbeat(agent, { sequence: 1 })).status).toBe(200);
      await owner.devices.revoke({ id: revoked.deviceId });
      const [refused, stored] = await Promise.all([heartbeat(revoked, { sequence: 2 }), heartbeat(kept, { sequence: 2 })]);
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ error: 'ERR_DEVICE_TOKEN_INVALID' });
      expect(stored.json).toEqual({ accepted: true, duplicate: false, sequence: 2 });
      expect((await heartbeatRows(revoked.deviceId)).map((row) => row.sequence)).toEqual(['1']);
      expect(await machineRow(revoked.deviceId)).toMatchObject({ last_sequence: '1' });
      expect((await heartbeatRows(kept.deviceId)).map((row) => row.sequence)).toEqual(['1', '2']);
      // Refused again on the next call, with no body read: the token comes first.
      expect((await heartbeat(revoked, { sequence: 0 })).status).toBe(401);
    });

    it('deletes heartbeats older than the retention setting, keeping the machine', async () => {
      const agent = await registeredAgent(app.url, owner);
      await heartbeat(agent, { sequence: 1 });
      await heartbeat(agent, { sequence: 2 });
      await inTenant((trx) =>
        trx
          .updateTable('inventory_machine_heartbeats')
          .set({ received_at: new Date(Date.now() - 8 * 86_400_000) })
          .where('device_id', '=', agent.deviceId)
          .where('sequence', '=', '1')
          .execute(),
      );
      expect(await deleteExpiredHeartbeats(app.services.db)).toBeGreaterThanOrEqual(1);
      expect((await heartbeatRows(agent.deviceId)).map((row) => row.sequence)).toEqual(['2']);
    });
  });

  describe('tickets and alerts from the agent', () => {
    it("links them to the machine's asset and device; the same externalId answers the first one", async () => {
      const agent = await registeredAgent(app.url, owner, { hostname: 'impressora-01' });
      const ticket = await agentPost(
        app.url,
        '/tickets/create',
        { title: 'Toner acabando', description: 'Nível 5%', externalId: 'tk-1' },
        { token: agent.token, header: 'agent' },
      );
      expect(ticket.status).toBe(201);
      expect(ticket.json).toMatchObject({
        title: 'Toner acabando',
        assetId: agent.assetId,
        deviceId: agent.deviceId,
        status: 'open',
        duplicate: false,
      });
      const retried = await agentPost(app.url, '/tickets/create', { title: 'Toner acabando', externalId: 'tk-1' }, { token: agent.token });
      expect(retried.status).toBe(200);
      expect(retried.json).toMatchObject({ id: (ticket.json as { id: string }).id, duplicate: true });

      const alert = await agentPost(
        app.url,
        '/alerts/send',
        { type: 'disk_full', severity: 'critical', message: 'Disco C: 98%', externalId: 'al-1' },
        { token: agent.token },
      );
      expect(alert.status).toBe(201);
      expect(alert.json).toMatchObject({
        type: 'disk_full',
        severity: 'critical',
        assetId: agent.assetId,
        deviceId: agent.deviceId,
        duplicate: false,
      });
      const resent = await agentPost(
        app.url,
        '/alerts/send',
        { type: 'disk_full', severity: 'critical', message: 'Disco C: 98%', externalId: 'al-1' },
        { token: agent.token },
      );
      expect(resent.status).toBe(200);
      expect(resent.json).toMatchObject({ id: (alert.json as { id: string }).id, duplicate: true });
      expect(
        (await agentPost(app.url, '/alerts/send', { type: 'x', severity: 'grave', message: 'y' }, { token: agent.token })).status,
      ).toBe(400);

      const tickets = await owner.inventory.tickets.list({ assetId: agent.assetId });
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toMatchObject({ machineHostname: 'impressora-01', assetTag: expect.any(String) });
      const alerts = await owner.inventory.alerts.list({ assetId: agent.assetId });
      expect(alerts.map((row) => row.type)).toEqual(['disk_full']);
      const types = (await storedEvents(app.services, tenant.tenantId)).map((event) => event.type);
      expect(types).toEqual(expect.arrayContaining(['inventory.ticket.created', 'inventory.alert.raised']));
    });

    it('lets the dashboard move and assign tickets and acknowledge alerts', async () => {
      const agent = await registeredAgent(app.url, owner);
      const created = (await agentPost(app.url, '/tickets/create', { title: 'Teclado falhando' }, { token: agent.token })).json as {
        id: string;
      };
      const updated = await technician.inventory.tickets.update({ id: created.id, status: 'in_progress', assigneeId: technicianId });
      expect(updated).toMatchObject({ status: 'in_progress', assigneeId: technicianId, assigneeName: 'Técnica Lia' });
      await expectTrpcError(technician.inventory.tickets.update({ id: created.id, assigneeId: crypto.randomUUID() }), 'NOT_FOUND');
      expect((await technician.inventory.tickets.update({ id: created.id, status: 'closed', assigneeId: null })).assigneeId).toBeNull();

      const sent = (
        await agentPost(
          app.url,
          '/alerts/send',
          { type: 'temperature', severity: 'warning', message: 'CPU a 90 °C' },
          { token: agent.token },
        )
      ).json as { id: string };
      const acknowledged = await technician.inventory.alerts.acknowledge({ id: sent.id });
      expect(acknowledged).toMatchObject({ acknowledgedByName: 'Técnica Lia', acknowledgedAt: expect.any(String) });
      expect((await technician.inventory.alerts.acknowledge({ id: sent.id })).acknowledgedAt).toBe(acknowledged.acknowledgedAt);
      expect((await owner.inventory.alerts.list({ acknowledged: false })).map((row) => row.id)).not.toContain(sent.id);
    });
  });

  describe('silent agents', () => {
    it('raise one alert per silence, however often the job runs; a new silence after a heartbeat raises another', async () => {
      const agent = await registeredAgent(app.url, owner, { hostname: 'silenciosa-01' });
      await heartbeat(agent, { sequence: 1 });
      const silentAlerts = async () => (await owner.inventory.alerts.list({ type: 'agent_silent', assetId: agent.assetId })).length;
      await raiseSilentAgentAlerts(app.services.db);
      expect(await silentAlerts()).toBe(0);

      await silentFor(agent.deviceId, 15);
      await raiseSilentAgentAlerts(app.services.db);
      await raiseSilentAgentAlerts(app.services.db);
      expect(await silentAlerts()).toBe(1);
      const [alert] = await owner.inventory.alerts.list({ type: 'agent_silent', assetId: agent.assetId });
      expect(alert).toMatchObject({ severity: 'warning', deviceId: agent.deviceId, message: expect.stringContaining('silenciosa-01') });

      await heartbeat(agent, { sequence: 2 });
      await raiseSilentAgentAlerts(app.services.db);
      expect(await silentAlerts()).toBe(1);
      await silentFor(agent.deviceId, 20);
      await raiseSilentAgentAlerts(app.services.db);
      expect(await silentAlerts()).toBe(2);
    });
  });

  describe("the agent's token reaches only /machines/*, /tickets/create and /alerts/send", () => {
    it('is refused (403) by user procedures over tRPC, and by other REST routes as Bearer or X-Agent-Token', async () => {
      const agent = await registeredAgent(app.url, owner);
      const trpcAnswer = await rawTrpc(app.url, 'inventory.machines.list', { kind: 'query', token: agent.token });
      expect(trpcAnswer.status).toBe(403);
      expect(trpcBody(trpcAnswer).error?.data).toMatchObject({ code: 'FORBIDDEN', reason: 'DEVICE_NOT_ALLOWED' });
      const mutation = await rawTrpc(app.url, 'inventory.suppliers.create', {
        input: { name: 'X', cnpj: '11222333000181' },
        token: agent.token,
      });
      expect(mutation.status).toBe(403);
      // The agent's own header is read too: a device is refused as a device, however it presents its token.
      const headerOnly = await rawTrpc(app.url, 'inventory.machines.list', { kind: 'query', headers: { 'x-agent-token': agent.token } });
      expect(headerOnly.status).toBe(403);
      expect(trpcBody(headerOnly).error?.data).toMatchObject({ code: 'FORBIDDEN', reason: 'DEVICE_NOT_ALLOWED' });
      const caller = await deviceCallerFor(app.services, agent.token);
      await expectTrpcError(caller.inventory.alerts.list({}), 'FORBIDDEN', 'DEVICE_NOT_ALLOWED');

      for (const headers of [{ authorization: `Bearer ${agent.token}` }, { 'x-agent-token': agent.token }] as Array<
        Record<string, string>
      >) {
        const whoami = await rawRequest(`${app.url}/api/v1/auth/whoami`, { headers });
        expect(whoami.status, JSON.stringify(Object.keys(headers))).toBe(403);
        expect(whoami.json).toMatchObject({ error: 'ERR_DEVICE_NOT_ALLOWED' });
        const kiosk = await rawRequest(`${app.url}/api/v1/queue/kiosk/services`, { headers });
        expect(kiosk.status).toBe(403);
      }
    });

    it('refuses the agent endpoints to users, API tokens and other kinds of device', async () => {
      const { accessToken } = await login(app.url, tenant);
      const asUser = await agentPost(app.url, '/machines/status', { sequence: 1 }, { token: accessToken });
      expect(asUser.status).toBe(403);
      expect(asUser.json).toMatchObject({ error: 'ERR_DEVICE_ONLY' });
      const unit = await owner.queue.units.create({ name: 'Outra unidade', timeZone: 'America/Sao_Paulo' });
      const kiosk = await owner.devices.create({
        kind: 'queue.kiosk',
        name: 'Totem 2',
        scopes: ['queue.tickets.issue'],
        resource: unit.id,
      });
      const enrolled = await rawRequest(`${app.url}/api/v1/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: kiosk.enrollmentCode }),
      });
      const kioskToken = (enrolled.json as { token: string }).token;
      for (const path of ['/machines/status', '/tickets/create', '/alerts/send', '/machines/register']) {
        const answer = await agentPost(app.url, path, path === '/machines/register' ? { hardwareId: 'HW-K' } : { sequence: 1 }, {
          token: kioskToken,
        });
        expect(answer.status, path).toBe(403);
      }
      expect((await agentPost(app.url, '/machines/status', { sequence: 1 })).status).toBe(401);
    });
  });
});
