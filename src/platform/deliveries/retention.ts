import { sql } from 'kysely';
import { olderThan, type RetentionRule } from '../jobs/retention';

/**
 * Deliveries that reached an end (delivered, cancelled) go after `deliveredDays`, dead ones after
 * `deadDays` (someone may still replay them); a pending one, retrying or not, is never touched.
 * Their attempts go with them (the foreign key cascades). `updated_at` is when the delivery ended,
 * and a replay moves it, so a replayed delivery starts its time again.
 */
export function deliveryRetentionRules(settings: { deliveredDays: number; deadDays: number }): RetentionRule[] {
  return [
    olderThan({
      name: 'deliveries.delivered',
      table: 'deliveries',
      column: 'updated_at',
      days: settings.deliveredDays,
      // The partial index deliveries_retention serves both rules (status <> 'pending').
      where: sql<boolean>`status <> 'pending' and status in ('delivered', 'cancelled')`,
    }),
    olderThan({
      name: 'deliveries.dead',
      table: 'deliveries',
      column: 'updated_at',
      days: settings.deadDays,
      where: sql<boolean>`status <> 'pending' and status = 'dead'`,
    }),
  ];
}
