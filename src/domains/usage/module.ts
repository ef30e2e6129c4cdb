import { defineDomainModule } from '../../platform/domain-module';
import { usageEventTypes } from './events';
import { usageRestRoutes } from './export';
import { alertMailJob, modelHealthJob, recordRetentionJob, reservationSweepJob } from './jobs';
import { usagePermissions } from './permissions';
import { llmProxyRoutes } from './proxy/routes';
import { usageRouter } from './router';
import { usageRuntime } from './runtime';
import { seedUsageDemoData } from './demo-data';

/** Usage: LLM users with monthly token budgets, their keys, the OpenAI-compatible proxy that enforces them, alerts and analytics. */
export const usageModule = defineDomainModule({
  name: 'usage',
  module: 'usage',
  routers: { usage: usageRouter },
  permissions: usagePermissions.all,
  eventTypes: usageEventTypes,
  jobs: (context) => [reservationSweepJob(), alertMailJob(context), modelHealthJob(context), recordRetentionJob()],
  rest: [
    { base: '/api/v1', routes: usageRestRoutes },
    // OpenAI's paths and error format, for OpenAI clients (LibreChat, the official SDKs).
    { base: '/v1', routes: llmProxyRoutes, ownErrorFormat: true },
  ],
  demoData: {
    steps: 1,
    seed: async (db, tenant, _deps, onStep) => {
      await seedUsageDemoData(db, tenant);
      onStep('uso de IA');
    },
  },
  start: (services) => {
    const runtime = usageRuntime(services);
    return () => runtime.stop();
  },
});
