import { defineDomainModule } from '../../platform/domain-module';
import { IDENTITY_DEMO_STEPS, seedIdentityDemoData } from './demo-data';
import { identityEventTypes } from './events';
import { housekeepingJob } from './jobs';
import { identityPermissions } from './permissions';
import { apiTokensRouter, authRouter, rolesRouter, tenantRouter, usersRouter } from './router';

/** Identity: tenants, users, roles, sessions and API tokens; always on, the domain the others stand on. */
export const identityModule = defineDomainModule({
  name: 'identity',
  routers: { auth: authRouter, users: usersRouter, roles: rolesRouter, apiTokens: apiTokensRouter, tenant: tenantRouter },
  permissions: identityPermissions.all,
  eventTypes: identityEventTypes,
  jobs: ({ config }) => [housekeepingJob({ eventsRetentionDays: config.eventsRetentionDays })],
  demoData: {
    steps: IDENTITY_DEMO_STEPS,
    seed: (db, tenant, deps, onStep) => seedIdentityDemoData(db, tenant, deps.permissions, deps.userPassword, onStep).then(() => undefined),
  },
});
