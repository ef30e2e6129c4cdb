import type { TenantTransaction } from '../../db/tenant-scope';
import type { ModuleName } from '../modules';
import type { N8nCredentialRef, N8nWorkflow } from './workflow';

/** A credential the person importing the workflow creates in n8n, with what goes in each field. */
export interface CredentialToCreate extends N8nCredentialRef {
  /** n8n's name of the credential type, as its "Create credential" list shows it. */
  typeLabel: string;
  /** Field → what to fill in (a fixed value such as a header name, or where to find a secret). */
  fields: Record<string, string>;
}

/** An environment variable n8n must have (n8n's Crypto node reads its HMAC key from one). */
export interface EnvironmentToSet {
  name: string;
  value: string;
}

/** A generated workflow and what it needs in n8n to run; no secret is ever part of it. */
export interface GeneratedWorkflow {
  fileName: string;
  workflow: N8nWorkflow;
  credentials: CredentialToCreate[];
  environment: EnvironmentToSet[];
}

/** Where the workflow's URLs point and what it is generated for. */
export interface WorkflowTarget {
  publicUrl: string;
  tenantId: string;
  /** For the kinds that belong to a helpdesk channel. */
  channelId?: string;
  generatedAt: Date;
}

/**
 * A workflow a domain ships for n8n (declared in its manifest, kept beside its code). The
 * dashboard downloads it with the user's permission; `GET /api/v1/n8n/workflows/:kind` gives it
 * to an API token holding the same permission as a scope.
 */
export interface N8nWorkflowKind {
  kind: string;
  /** What the dashboard's list says of it (pt-BR). */
  label: string;
  module: ModuleName;
  /** The user's permission, and the API token's scope, that download it. */
  permission: string;
  /** Whether it is generated for one helpdesk channel (`channelId` required). */
  perChannel: boolean;
  generate(trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow>;
}
