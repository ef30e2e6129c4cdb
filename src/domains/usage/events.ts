import type { UsageAlertSeverity, UsageAlertType, UsageModelStatus } from '../../db/schema';
import type { EventTypeDeclarations } from '../../platform/events/catalog';
import { usagePermissions as can } from './permissions';

/** One user's requests in a batch of records. */
export interface RecordedUsage {
  userId: string;
  requests: number;
  tokens: number;
}

declare module '../../platform/events/catalog' {
  interface EventMap {
    /** A user's profile, status, grants or usage changed (not per request: see usage.usage.recorded). */
    'usage.user.updated': {
      userId: string;
      change: 'created' | 'updated' | 'granted' | 'reset' | 'unblocked' | 'key_created' | 'key_revoked';
    };
    /** A batch of usage records was written: who used how much. */
    'usage.usage.recorded': { records: number; users: RecordedUsage[] };
    'usage.alert.raised': {
      alertId: string;
      userId: string | null;
      type: UsageAlertType;
      severity: UsageAlertSeverity;
      title: string;
      period: string | null;
      percent?: number;
    };
    'usage.alert.updated': { alertId: string; status: 'sent' | 'failed' | 'acknowledged' };
    'usage.model.status': { model: string; status: UsageModelStatus; previous: UsageModelStatus | null };
    'usage.settings.changed': { fields: string[] };
  }
}

const readers = { readPermission: can['usage.read'] };

export const usageEventTypes = {
  'usage.user.updated': readers,
  'usage.usage.recorded': readers,
  'usage.alert.raised': readers,
  'usage.alert.updated': readers,
  'usage.model.status': readers,
  'usage.settings.changed': readers,
} as const satisfies EventTypeDeclarations;
