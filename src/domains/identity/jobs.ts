import { sql } from 'kysely';
import { olderThan, retentionCutoff, type RetentionRule } from '../../platform/jobs/retention';

/** A revoked or rotated refresh token is kept this long (a reuse of it still revokes its family meanwhile). */
const RETIRED_TOKEN_KEEP_DAYS = 7;

/**
 * Refresh tokens the daily housekeeping deletes: expired ones (index refresh_tokens_expiry), and
 * revoked or rotated ones a week after (index refresh_tokens_retired, on the earlier of the two).
 */
export function identityRetentionRules(): RetentionRule[] {
  return [
    olderThan({ name: 'refresh_tokens.expired', table: 'refresh_tokens', column: 'expires_at', days: 0 }),
    {
      name: 'refresh_tokens.retired',
      table: 'refresh_tokens',
      owner: 'tenant',
      oldestFirst: sql`least(revoked_at, rotated_at)`,
      expired: (slot) => sql<boolean>`least(revoked_at, rotated_at) < ${retentionCutoff(slot, RETIRED_TOKEN_KEEP_DAYS)}`,
    },
  ];
}
