import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { rawRequest } from '../../../test/support/identity';

interface N8nFixture {
  workflowToken: string;
}

/** The helpdesk fixture's channel, which every side has (merged into the side by the helpdesk suite). */
const channelOf = (side: object) => (side as { helpdesk: { channelId: string } }).helpdesk.channelId;

/** n8n workflows: B gets workflows only for B's channels and B's tenant, and never one that names A. */
export const crossTenantSuite = defineCrossTenantSuite<N8nFixture>({
  name: 'n8n',
  tenantAgnostic: {
    'n8n.kinds': 'the workflow kinds, declared in code (filtered by the caller’s modules and permissions)',
  },
  async prepare(_services, { owner }) {
    const { token } = await owner.apiTokens.create({ name: 'n8n', scopes: ['helpdesk.channels.write', 'agenda.settings.write'] });
    return { workflowToken: token };
  },
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    return {
      'n8n.workflow': async () => {
        const own = await b.owner.n8n.workflow({ kind: 'helpdesk-outbound', channelId: channelOf(b) });
        expect(JSON.stringify(own.workflow)).not.toContain(a.tenant.tenantId);
        await expectUnknownToB(
          (channelId) => b.owner.n8n.workflow({ kind: 'helpdesk-inbound-webhook', channelId }),
          () => [channelOf(a)],
        );
        const agenda = JSON.stringify((await b.owner.n8n.workflow({ kind: 'agenda-chat-inbound' })).workflow);
        expect(agenda).toContain(b.tenant.tenantId);
        expect(agenda).not.toContain(a.tenant.tenantId);
      },
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    return {
      'GET /api/v1/n8n/workflows/:kind': async () => {
        const url = (kind: string, channelId?: string) =>
          `${world.app.url}/api/v1/n8n/workflows/${kind}${channelId ? `?channelId=${channelId}` : ''}`;
        const own = await rawRequest(url('helpdesk-outbound', channelOf(b)), { token: b.workflowToken });
        expect(own.status).toBe(200);
        const foreign = await rawRequest(url('helpdesk-outbound', channelOf(a)), { token: b.workflowToken });
        expect({ status: foreign.status, json: foreign.json }).toMatchObject({ status: 404, json: { error: 'ERR_CHANNEL_NOT_FOUND' } });
        const agenda = await rawRequest(url('agenda-chat-outbound'), { token: b.workflowToken });
        expect(agenda.status).toBe(200);
        expect(agenda.text).toContain(b.tenant.tenantId);
        expect(agenda.text).not.toContain(a.tenant.tenantId);
      },
    };
  },
});
