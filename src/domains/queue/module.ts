import { defineDomainModule } from '../../platform/domain-module';
import { seedQueueDemoData } from './demo-data';
import { queueDeviceKinds } from './device-kinds';
import { queueEventTypes } from './events';
import { queuePermissions } from './permissions';
import { queueRestRoutes } from './rest';
import { queueRetentionRules } from './retention';
import { queueRouter } from './router';

/** Queue: walk-in tickets from a kiosk, the operator panel, the TV display and the statistics. */
export const queueModule = defineDomainModule({
  name: 'queue',
  module: 'queue',
  routers: { queue: queueRouter },
  permissions: queuePermissions.all,
  eventTypes: queueEventTypes,
  deviceKinds: queueDeviceKinds,
  rest: [{ base: '/api/v1', routes: queueRestRoutes }],
  retention: ({ config }) => queueRetentionRules(config.retention),
  demoData: {
    steps: 1,
    seed: async (db, tenant, deps, onStep) => {
      await seedQueueDemoData(db, tenant, deps.publicUrl);
      onStep('fila');
    },
  },
});
