import { useEffect, useRef } from 'react';
import type { AppEvent } from '../../lib/appEvents';
import { trpc } from '../../lib/trpc';
import { useLiveEvents } from '../../lib/useLiveEvents';

/** Live refetches wait this long, so a burst of requests refreshes the pages once. */
export const LIVE_DEBOUNCE_MS = 300;

/** The usage queries a page may show. */
export type UsageQuery = 'users' | 'keys' | 'alerts' | 'analytics' | 'records' | 'models' | 'settings';

/** Which of the usage queries an event makes stale. */
export function usageQueriesStaleAfter(event: AppEvent): UsageQuery[] {
  switch (event.type) {
    case 'usage.usage.recorded':
      // The ledger moved (bars, percentages), the rollups grew, and the models' last 24 h.
      return ['users', 'analytics', 'records', 'models'];
    case 'usage.user.updated':
      return event.data.change === 'key_created' || event.data.change === 'key_revoked' ? ['users', 'keys'] : ['users'];
    case 'usage.alert.raised':
      // A threshold crossed: the user's flags and block, the alert lists and the dashboard's counts.
      return ['users', 'alerts', 'analytics'];
    case 'usage.alert.updated':
      return ['alerts'];
    case 'usage.model.status':
      return ['models', 'analytics'];
    case 'usage.settings.changed':
      // A model's costs, or the settings (thresholds colour the bars; the upstream's status shows).
      return event.data.fields.includes('models') ? ['models', 'settings'] : ['settings'];
    default:
      return [];
  }
}

/**
 * Keeps the usage pages in step with the live stream: what an event makes stale is refetched
 * where it is on screen, at most once per LIVE_DEBOUNCE_MS however many events arrive.
 */
export function useUsageLiveQueries(): void {
  const utils = trpc.useUtils();
  const pending = useRef(new Set<UsageQuery>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useLiveEvents((event) => {
    const stale = usageQueriesStaleAfter(event);
    if (stale.length === 0) return;
    for (const query of stale) pending.current.add(query);
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      const due = [...pending.current];
      pending.current.clear();
      const invalidators: Record<UsageQuery, () => Promise<void>> = {
        users: () => utils.usage.users.invalidate(),
        keys: () => utils.usage.keys.list.invalidate(),
        alerts: () => utils.usage.alerts.list.invalidate(),
        analytics: () =>
          Promise.all([
            utils.usage.analytics.dashboard.invalidate(),
            utils.usage.analytics.user.invalidate(),
            utils.usage.analytics.usage.invalidate(),
          ]).then(() => undefined),
        records: () => utils.usage.analytics.records.invalidate(),
        models: () => utils.usage.models.list.invalidate(),
        settings: () => utils.usage.settings.get.invalidate(),
      };
      for (const query of due) void invalidators[query]();
    }, LIVE_DEBOUNCE_MS);
  });
}
