import { agendaRouter } from '../domains/agenda/router';
import { helpdeskRouter } from '../domains/helpdesk/router';
import { apiTokensRouter, authRouter, rolesRouter, tenantRouter, usersRouter } from '../domains/identity/router';
import { router } from './init';
import { auditRouter } from './routers/audit';
import { deliveriesRouter } from './routers/deliveries';
import { eventsRouter } from './routers/events';
import { jobsRouter } from './routers/jobs';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  roles: rolesRouter,
  apiTokens: apiTokensRouter,
  tenant: tenantRouter,
  audit: auditRouter,
  jobs: jobsRouter,
  events: eventsRouter,
  deliveries: deliveriesRouter,
  helpdesk: helpdeskRouter,
  agenda: agendaRouter,
});

export type AppRouter = typeof appRouter;
