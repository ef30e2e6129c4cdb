import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../../test/support/cross-tenant';
import { agentPost, registeredAgentWithoutHttp } from '../../../../test/support/inventory-purchasing';
import { withTenant } from '../../../db/tenant-scope';
import type { AuditContext } from '../../../platform/audit/audit-log';
import { raiseAgentAlert } from './agent-alerts';
import { recordHeartbeat } from './heartbeats';
import { createAgentTicket } from './tickets';

interface MachinesFixture {
  machines: {
    deviceId: string;
    token: string;
    assetId: string;
    hardwareId: string;
    ticketId: string;
    alertId: string;
  };
}

/** Machines: A's agents, heartbeats, tickets and alerts are out of B's reach, and B's agent writes only into B. */
export const crossTenantSuite = defineCrossTenantSuite<MachinesFixture>({
  name: 'inventory-machines',
  async prepare(services, { owner, tenant, which }) {
    const hardwareId = `HW-SHARED-${which}`;
    const agent = await registeredAgentWithoutHttp(services, owner, hardwareId);
    const audit: AuditContext = { actor: { type: 'device', id: agent.deviceId, label: 'agente' }, requestId: null, ip: null };
    const { ticketId, alertId } = await withTenant(services.db, tenant.tenantId, async (trx) => {
      await recordHeartbeat(trx, agent.deviceId, { sequence: 1, os: 'Debian 13' });
      const { ticket } = await createAgentTicket(trx, audit, agent.deviceId, { title: 'Sem rede', externalId: 'tk-1' });
      const { alert } = await raiseAgentAlert(trx, agent.deviceId, {
        type: 'disk_full',
        severity: 'warning',
        message: 'Disco cheio',
        externalId: 'al-1',
      });
      return { ticketId: ticket.id, alertId: alert.id };
    });
    return { machines: { ...agent, hardwareId, ticketId, alertId } };
  },
  snapshot: async (trx) => ({
    machines: await trx.selectFrom('inventory_machines').selectAll().orderBy('device_id').execute(),
    heartbeats: await trx.selectFrom('inventory_machine_heartbeats').selectAll().orderBy('device_id').orderBy('sequence').execute(),
    tickets: await trx.selectFrom('inventory_tickets').selectAll().orderBy('id').execute(),
    alerts: await trx.selectFrom('inventory_alerts').selectAll().orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    return {
      'inventory.machines.list': async () =>
        onlyB(
          (await b.owner.inventory.machines.list()).map((machine) => machine.deviceId),
          b.machines.deviceId,
          a.machines.deviceId,
        ),
      'inventory.machines.get': () =>
        expectUnknownToB(
          (deviceId) => b.owner.inventory.machines.get({ deviceId }),
          () => [a.machines.deviceId],
        ),
      'inventory.tickets.list': async () => {
        onlyB(
          (await b.owner.inventory.tickets.list()).map((ticket) => ticket.id),
          b.machines.ticketId,
          a.machines.ticketId,
        );
        expect(await b.owner.inventory.tickets.list({ assetId: a.machines.assetId })).toEqual([]);
      },
      'inventory.tickets.update': async () => {
        await expectUnknownToB(
          (id) => b.owner.inventory.tickets.update({ id, status: 'closed' }),
          () => [a.machines.ticketId],
        );
        await expectUnknownToB(
          (assigneeId) => b.owner.inventory.tickets.update({ id: b.machines.ticketId, assigneeId }),
          () => [a.user.userId, a.tenant.ownerId],
        );
      },
      'inventory.alerts.list': async () => {
        onlyB(
          (await b.owner.inventory.alerts.list()).map((alert) => alert.id),
          b.machines.alertId,
          a.machines.alertId,
        );
        expect(await b.owner.inventory.alerts.list({ assetId: a.machines.assetId })).toEqual([]);
      },
      'inventory.alerts.acknowledge': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.alerts.acknowledge({ id }),
          () => [a.machines.alertId],
        ),
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    const asB = (path: string, body: unknown) => agentPost(world.app.url, path, body, { token: b.machines.token, header: 'agent' });
    return {
      'POST /api/v1/machines/register': async () => {
        // B's agent claims A's hardware id: hardware ids are per tenant, so it is B's own machine, and A's stays as it was.
        const answer = await asB('/machines/register', { hardwareId: a.machines.hardwareId });
        expect(answer.status).toBe(200);
        expect(answer.json).toEqual({ deviceId: b.machines.deviceId, assetId: b.machines.assetId });
        await asB('/machines/register', { hardwareId: b.machines.hardwareId });
      },
      'POST /api/v1/machines/status': async () => {
        const answer = await asB('/machines/status', { sequence: 2 });
        expect(answer.json).toMatchObject({ accepted: true });
        expect((await asB('/machines/status', { sequence: 1 })).json).toMatchObject({ duplicate: true });
      },
      'POST /api/v1/tickets/create': async () => {
        // The same externalId as A's ticket: a new ticket in B, linked to B's asset.
        const answer = await asB('/tickets/create', { title: 'Outro', externalId: 'tk-1' });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ id: b.machines.ticketId, assetId: b.machines.assetId, duplicate: true });
        const created = await asB('/tickets/create', { title: 'Novo em B' });
        expect(created.status).toBe(201);
        expect(created.json).toMatchObject({ assetId: b.machines.assetId, deviceId: b.machines.deviceId });
      },
      'POST /api/v1/alerts/send': async () => {
        const answer = await asB('/alerts/send', { type: 'disk_full', severity: 'warning', message: 'Disco cheio', externalId: 'al-1' });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ id: b.machines.alertId, duplicate: true });
        const raised = await asB('/alerts/send', { type: 'cpu', severity: 'info', message: 'CPU alta' });
        expect(raised.status).toBe(201);
        expect(raised.json).toMatchObject({ assetId: b.machines.assetId, deviceId: b.machines.deviceId });
      },
    };
  },
});
