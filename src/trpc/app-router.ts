import { domainModules } from '../domains/modules';
import { mergeModuleRouters } from '../platform/domain-module';
import { router } from './init';
import { auditRouter } from './routers/audit';
import { deliveriesRouter } from './routers/deliveries';
import { eventsRouter } from './routers/events';
import { jobsRouter } from './routers/jobs';
import { n8nRouter } from './routers/n8n';

/** The platform's routers beside every domain's (from its manifest); the type stays fully inferred for the dashboard. */
export const appRouter = router({
  audit: auditRouter,
  jobs: jobsRouter,
  events: eventsRouter,
  deliveries: deliveriesRouter,
  n8n: n8nRouter,
  ...mergeModuleRouters(domainModules),
});

export type AppRouter = typeof appRouter;
