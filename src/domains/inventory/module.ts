import { defineDomainModule } from '../../platform/domain-module';
import { assetsJobs } from './assets/jobs';
import { auditsJobs } from './audits/jobs';
import { inventoryEventTypes } from './events';
import { agentDeviceKind } from './machines/device-kind';
import { machinesJobs } from './machines/jobs';
import { maintenanceJobs } from './maintenance/jobs';
import { movementsJobs } from './movements/jobs';
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
  rest: [],
});
