import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { DB } from '../db/schema';
import type { PermissionDefinition } from '../platform/auth/permissions';
import type { SecretBox } from '../platform/auth/secret-box';
import type { DeliveryKind } from '../platform/deliveries/kinds';
import type { EventType } from '../platform/events/catalog';
import type { JobDefinition } from '../platform/jobs/scheduler';
import type { LlmProvider } from '../platform/llm';
import { platformPermissions } from '../platform/platform-permissions';
import { agendaEventAudience } from './agenda/event-audience';
import { agendaEventTypes } from './agenda/events';
import { authRequestExpiryJob, campaignDispatchJob, unansweredChatJob } from './agenda/jobs';
import { agendaDeliveryKinds } from './agenda/notifications';
import { agendaPermissions } from './agenda/permissions';
import type { EventAudience, StreamViewer } from '../platform/events/audience';
import { helpdeskEventAudience } from './helpdesk/event-audience';
import { helpdeskEventTypes } from './helpdesk/events';
import { helpdeskDeliveryKinds } from './helpdesk/outbound';
import { helpdeskPermissions } from './helpdesk/permissions';
import { identityEventTypes } from './identity/events';
import { housekeepingJob } from './identity/jobs';
import { identityPermissions } from './identity/permissions';

/** The domains' declarations in one place: what the platform enforces, streams and schedules. */
export const permissionCatalogue: readonly PermissionDefinition[] = [
  ...platformPermissions.all,
  ...identityPermissions.all,
  ...helpdeskPermissions.all,
  ...agendaPermissions.all,
];

/** Scopes a machine credential may carry: any declared permission, plus machine-only scopes later domains add. */
export const machineScopes: readonly PermissionDefinition[] = [...permissionCatalogue];

export const eventTypes: readonly EventType[] = [...identityEventTypes, ...helpdeskEventTypes, ...agendaEventTypes];

/** The kinds of outbound delivery the worker sends, built with the process's secret box. */
export function deliveryKinds(secrets: SecretBox, config: Pick<AppConfig, 'whatsappGraphBaseUrl' | 'publicUrl'>): DeliveryKind[] {
  return [...helpdeskDeliveryKinds(secrets, { baseUrl: config.whatsappGraphBaseUrl }, config.publicUrl), ...agendaDeliveryKinds(secrets)];
}

export function domainJobs(config: Pick<AppConfig, 'eventsRetentionDays'>, llm: LlmProvider | undefined): JobDefinition[] {
  return [
    housekeepingJob({ eventsRetentionDays: config.eventsRetentionDays }),
    authRequestExpiryJob(),
    campaignDispatchJob(),
    unansweredChatJob(llm),
  ];
}

/** Who may receive which live event: every domain's rule must accept it. */
export async function eventAudience(db: Kysely<DB>, viewer: StreamViewer): Promise<EventAudience> {
  const audiences = await Promise.all([helpdeskEventAudience(db, viewer), agendaEventAudience(viewer)]);
  return async (event) => {
    for (const accepts of audiences) if (!(await accepts(event))) return false;
    return true;
  };
}
