import { defineDomainModule } from '../../platform/domain-module';
import { IDENTITY_DEMO_STEPS, seedIdentityDemoData } from './demo-data';
import { DEVICE_EVENTS_SCOPE } from './device-events';
import { deviceRestRoutes } from './device-rest';
import { identityEventTypes } from './events';
import { identityRetentionRules } from './jobs';
import { identityPermissions } from './permissions';
import { apiTokensRouter, authRouter, deviceRouter, devicesRouter, rolesRouter, tenantRouter, usersRouter } from './router';

/** Identity: tenants, users, roles, sessions, API tokens and devices; always on, the domain the others stand on. */
export const identityModule = defineDomainModule({
  name: 'identity',
  routers: {
    auth: authRouter,
    users: usersRouter,
    roles: rolesRouter,
    apiTokens: apiTokensRouter,
    tenant: tenantRouter,
    devices: devicesRouter,
    device: deviceRouter,
  },
  permissions: identityPermissions.all,
  eventTypes: identityEventTypes,
  // A screen that follows the company's own settings; the domains add their kiosks, displays and agents.
  deviceKinds: [
    {
      key: 'display',
      label: 'Painel',
      scopes: [{ key: DEVICE_EVENTS_SCOPE, description: 'Receber ao vivo as mudanças da empresa' }],
      eventTypes: ['tenant.updated'],
    },
  ],
  rest: [{ base: '/api/v1', routes: (services) => deviceRestRoutes(services) }],
  retention: () => identityRetentionRules(),
  demoData: {
    steps: IDENTITY_DEMO_STEPS,
    seed: (db, tenant, deps, onStep) => seedIdentityDemoData(db, tenant, deps.permissions, deps.userPassword, onStep).then(() => undefined),
  },
});
