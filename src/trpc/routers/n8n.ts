import { availableWorkflowKinds, generateWorkflow, workflowRequest } from '../../platform/n8n/downloads';
import { router } from '../init';
import { authedProcedure } from '../procedures';

/** The n8n workflows of the domains the tenant runs, generated with its URLs, ids and credential names (never a secret). */
export const n8nRouter = router({
  /** The workflows this user may download. */
  kinds: authedProcedure.query(({ ctx }) =>
    availableWorkflowKinds(ctx.services, requesterOf(ctx)).map(({ kind, label, module, perChannel }) => ({
      kind,
      label,
      module,
      perChannel,
    })),
  ),
  /** One workflow file, with the credentials and environment variables to create in n8n. */
  workflow: authedProcedure.input(workflowRequest).query(({ ctx, input }) => generateWorkflow(ctx.services, requesterOf(ctx), input)),
});

function requesterOf(ctx: { user: { tenant: { id: string; modules: readonly string[] }; permissions: ReadonlySet<string> } }) {
  return {
    tenantId: ctx.user.tenant.id,
    modules: ctx.user.tenant.modules,
    allows: (permission: string) => ctx.user.permissions.has(permission),
  };
}
