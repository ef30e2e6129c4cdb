import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import type { DomainCatalogue } from '../domain-catalogue';
import { DomainError, moduleDisabled } from '../errors';
import type { GeneratedWorkflow, N8nWorkflowKind } from './kinds';

/** What a download names: the kind, and the channel for the kinds generated per channel. */
export const workflowRequest = z.strictObject({
  kind: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{0,59}$/, 'Tipo de workflow inválido'),
  channelId: z.uuid({ error: 'Identificador de canal inválido' }).optional(),
});

/** What generating a workflow reads: the database, the kinds the domains declared and the public URL (the process's services fit). */
export interface WorkflowSources {
  db: Kysely<DB>;
  catalogue: Pick<DomainCatalogue, 'n8nWorkflows'>;
  config: { publicUrl: string };
}

/** Who asks: their tenant and its modules, and what they are allowed (a user's permissions or a token's scopes). */
export interface WorkflowRequester {
  tenantId: string;
  modules: readonly string[];
  allows(permission: string): boolean;
}

/** The kinds this requester may download, in the order the domains declare them. */
export function availableWorkflowKinds(services: WorkflowSources, requester: WorkflowRequester): N8nWorkflowKind[] {
  return services.catalogue.n8nWorkflows.filter((kind) => requester.modules.includes(kind.module) && requester.allows(kind.permission));
}

/**
 * One workflow, generated for the requester's tenant: 404 for an unknown kind or channel, 403 when
 * the module is off or the permission (scope) is missing, 400 when a per-channel kind names none.
 */
export async function generateWorkflow(
  services: WorkflowSources,
  requester: WorkflowRequester,
  request: z.infer<typeof workflowRequest>,
): Promise<GeneratedWorkflow> {
  const kind = services.catalogue.n8nWorkflows.find((candidate) => candidate.kind === request.kind);
  if (!kind) {
    throw new DomainError('NOT_FOUND', 'WORKFLOW_KIND_NOT_FOUND', `Não há workflow do n8n chamado ${request.kind}`, {
      kinds: services.catalogue.n8nWorkflows.map((known) => known.kind),
    });
  }
  if (!requester.modules.includes(kind.module)) throw moduleDisabled(kind.module);
  if (!requester.allows(kind.permission)) {
    throw new DomainError('FORBIDDEN', 'PERMISSION_DENIED', `Sem permissão para baixar este workflow (${kind.permission})`, {
      permission: kind.permission,
    });
  }
  if (kind.perChannel && !request.channelId) {
    throw new DomainError('BAD_REQUEST', 'CHANNEL_REQUIRED', 'Informe channelId: este workflow é de um canal', { kind: kind.kind });
  }
  return withTenant(services.db, requester.tenantId, (trx) =>
    kind.generate(trx, {
      publicUrl: services.config.publicUrl,
      tenantId: requester.tenantId,
      generatedAt: new Date(),
      ...(request.channelId ? { channelId: request.channelId } : {}),
    }),
  );
}
