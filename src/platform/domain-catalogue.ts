import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { PermissionDefinition } from './auth/permissions';
import type { DeviceKind } from './devices/kinds';
import type { EventAudience, StreamViewer } from './events/audience';
import type { EventType } from './events/catalog';
import type { N8nWorkflowKind } from './n8n/kinds';

/** The process-wide view of what the domains declared. */
export interface DomainCatalogue {
  permissions: readonly PermissionDefinition[];
  /** Scopes a machine credential may carry: any declared permission. */
  machineScopes: readonly PermissionDefinition[];
  eventTypes: readonly EventType[];
  deviceKinds: readonly DeviceKind[];
  n8nWorkflows: readonly N8nWorkflowKind[];
  /**
   * What one viewer may receive, built from their permissions now: each event type's read
   * permission first (internal types reach nobody), then every domain's own audience rule.
   */
  eventAudience(db: Kysely<DB>, viewer: StreamViewer): Promise<EventAudience>;
}
