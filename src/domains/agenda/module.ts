import { defineDomainModule } from '../../platform/domain-module';
import { feedChatFromHelpdesk } from './chat/helpdesk-bridge';
import { seedAgendaDemoData } from './demo-data';
import { agendaEventTypes } from './events';
import { authRequestExpiryJob, campaignDispatchJob, unansweredChatJob } from './jobs';
import { agendaN8nWorkflows } from './n8n-workflows';
import { agendaDeliveryKinds } from './notifications';
import { agendaPermissions } from './permissions';
import { agendaRestRoutes } from './rest';
import { agendaRouter } from './router';

/** Agenda: bookings without double booking, owner-approved proposals, the campaigns and the chat agent. */
export const agendaModule = defineDomainModule({
  name: 'agenda',
  module: 'agenda',
  routers: { agenda: agendaRouter },
  permissions: agendaPermissions.all,
  eventTypes: agendaEventTypes,
  jobs: ({ llm }) => [authRequestExpiryJob(), campaignDispatchJob(), unansweredChatJob(llm)],
  deliveryKinds: ({ secrets }) => agendaDeliveryKinds(secrets),
  rest: [{ base: '/api/v1', routes: agendaRestRoutes }],
  n8nWorkflows: agendaN8nWorkflows,
  demoData: {
    steps: 1,
    seed: async (db, tenant, deps, onStep) => {
      await seedAgendaDemoData(db, tenant, deps.secrets);
      onStep('agenda');
    },
  },
  // Contacts' helpdesk messages feed the chat agent, for tenants that switch it on.
  start: (services) => feedChatFromHelpdesk(services.hub, { db: services.db, logger: services.logger, llm: services.llm }),
});
