import type { AppConfig } from '../config';
import type { PermissionDefinition } from '../platform/auth/permissions';
import type { EventType } from '../platform/events/catalog';
import type { JobDefinition } from '../platform/jobs/scheduler';
import { platformPermissions } from '../platform/platform-permissions';
import { identityEventTypes } from './identity/events';
import { housekeepingJob } from './identity/jobs';
import { identityPermissions } from './identity/permissions';

/** The domains' declarations in one place: what the platform enforces, streams and schedules. */
export const permissionCatalogue: readonly PermissionDefinition[] = [...platformPermissions.all, ...identityPermissions.all];

/** Scopes a machine credential may carry: any declared permission, plus machine-only scopes later domains add. */
export const machineScopes: readonly PermissionDefinition[] = [...permissionCatalogue];

export const eventTypes: readonly EventType[] = [...identityEventTypes];

export function domainJobs(config: Pick<AppConfig, 'eventsRetentionDays'>): JobDefinition[] {
  return [housekeepingJob({ eventsRetentionDays: config.eventsRetentionDays })];
}
