import { router } from '../../trpc/init';
import { assetsRouters } from './assets/router';
import { auditsRouters } from './audits/router';
import { machinesRouters } from './machines/router';
import { maintenanceRouters } from './maintenance/router';
import { movementsRouters } from './movements/router';
import { purchasingRouters } from './purchasing/router';

/** `inventory.*`: each part of the inventory (assets and places, movements, audits, maintenance, purchasing, machines) brings its routers. */
export const inventoryRouter = router({
  ...assetsRouters,
  ...movementsRouters,
  ...auditsRouters,
  ...maintenanceRouters,
  ...purchasingRouters,
  ...machinesRouters,
});
