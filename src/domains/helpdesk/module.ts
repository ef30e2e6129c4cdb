import express from 'express';
import { defineDomainModule } from '../../platform/domain-module';
import { seedHelpdeskDemoData } from './demo-data';
import { helpdeskEventAudience } from './event-audience';
import { helpdeskEventTypes } from './events';
import { EXTERNAL_API_BASE, externalApiRoutes } from './external-rest';
import { helpdeskRetentionRules, mediaRetentionJob } from './jobs';
import { helpdeskMediaRoutes } from './media-rest';
import { helpdeskN8nWorkflows } from './channels/n8n-workflows';
import { helpdeskDeliveryKinds } from './outbound';
import { helpdeskPermissions } from './permissions';
import { helpdeskWebhooks } from './rest';
import { helpdeskRouter } from './router';

/** Helpdesk: channels, contacts, queues, tickets and messages, and the external API v1. */
export const helpdeskModule = defineDomainModule({
  name: 'helpdesk',
  module: 'helpdesk',
  routers: { helpdesk: helpdeskRouter },
  permissions: helpdeskPermissions.all,
  eventTypes: helpdeskEventTypes,
  eventAudience: helpdeskEventAudience,
  jobs: () => [mediaRetentionJob()],
  retention: ({ config }) => helpdeskRetentionRules(config.retention),
  deliveryKinds: ({ secrets, links, config }) =>
    helpdeskDeliveryKinds(secrets, links, { baseUrl: config.whatsappGraphBaseUrl }, config.publicUrl),
  n8nWorkflows: helpdeskN8nWorkflows,
  rest: [
    {
      base: '/api/v1',
      routes: (services) => express.Router().use('/webhooks', helpdeskWebhooks(services)).use(helpdeskMediaRoutes(services)),
    },
    // The external API keeps the seed's own base path.
    { base: EXTERNAL_API_BASE, routes: externalApiRoutes },
  ],
  demoData: {
    steps: 1,
    seed: async (db, tenant, deps, onStep) => {
      await seedHelpdeskDemoData(db, tenant, deps.secrets, deps.publicUrl);
      onStep('atendimento');
    },
  },
});
