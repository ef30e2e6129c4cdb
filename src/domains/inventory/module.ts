import { defineDomainModule } from '../../platform/domain-module';
import { assetsJobs } from './assets/jobs';
import { assetsRestRoutes } from './assets/rest';
import { auditsJobs } from './audits/jobs';
import { auditsRestRoutes } from './audits/rest';
import { seedInventoryDemoData } from './demo-data';
import { inventoryEventTypes } from './events';
import { agentDeviceKind } from './machines/device-kind';
import { machinesJobs } from './machines/jobs';
import { machinesRestRoutes } from './machines/rest';
import { maintenanceJobs } from './maintenance/jobs';
import { movementsJobs } from './movements/jobs';
import { movementsRestRoutes } from './movements/rest';
import { inventoryPermissions } from './permissions';
import { purchasingJobs } from './purchasing/jobs';
import { inventoryRouter } from './router';

/** Inventory: assets with tags and QR labels, places, movements and loans with terms, audits, maintenance with SLA, purchasing and machine agents. */
export const inventoryModule = defineDomainModule({
  name: 'inventory',
  module: 'inventory',
  routers: { inventory: inventoryRouter },
  permissions: inventoryPermissions.all,
  eventTypes: inventoryEventTypes,
  deviceKinds: [agentDeviceKind],
  jobs: (context) => [
    ...assetsJobs(context),
    ...movementsJobs(context),
    ...auditsJobs(context),
    ...maintenanceJobs(context),
    ...purchasingJobs(context),
    ...machinesJobs(context),
  ],
  rest: [
    // The agents' routes first: a fleet's heartbeats are most of the calls, and no path overlaps.
    { base: '/api/v1', routes: machinesRestRoutes },
    { base: '/api/v1', routes: assetsRestRoutes },
    { base: '/api/v1', routes: movementsRestRoutes },
    { base: '/api/v1', routes: auditsRestRoutes },
  ],
  demoData: {
    steps: 1,
    seed: async (db, tenant, deps, onStep) => {
      await seedInventoryDemoData(db, tenant, deps);
      onStep('inventário');
    },
  },
});
