import { buildDomainCatalogue } from '../platform/domain-module';
import { platformPermissions } from '../platform/platform-permissions';
import { agendaModule } from './agenda/module';
import { helpdeskModule } from './helpdesk/module';
import { identityModule } from './identity/module';
import { inventoryModule } from './inventory/module';
import { queueModule } from './queue/module';
import { usageModule } from './usage/module';

/** Every domain's manifest: the one list a new domain is added to. Identity comes first: the others stand on it. */
export const domainModules = [identityModule, helpdeskModule, agendaModule, queueModule, usageModule, inventoryModule] as const;

/** What the domains declared, with the platform's own permissions. */
export const domainCatalogue = buildDomainCatalogue(domainModules, platformPermissions.all);
