import { olderThan, type RetentionRule } from '../../platform/jobs/retention';

/**
 * The queue's log the daily housekeeping deletes: call request ids, kept only so a repeated click
 * answers the first call's ticket (a repeat comes within seconds). The tickets and their
 * transitions (each ticket's trail, and what the statistics of any period are computed from) stay.
 */
export function queueRetentionRules(settings: { queueCallRequestsDays: number }): RetentionRule[] {
  return [
    olderThan({ name: 'queue_call_requests', table: 'queue_call_requests', column: 'created_at', days: settings.queueCallRequestsDays }),
  ];
}
