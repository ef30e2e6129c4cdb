import { useEffect, useRef } from 'react';
import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';

/** Scans arrive several a second: the audit pages refetch at most this often. */
const LIVE_DEBOUNCE_MS = 400;

/** Keeps the audit pages in step with the live stream (scans by others, corrections, starts and closes), refetching once per burst. */
export function useAuditsLiveQueries(): void {
  const utils = trpc.useUtils();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useLiveEvents((event) => {
    if (!event.type.startsWith('inventory.audit.') || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void utils.inventory.audits.invalidate();
    }, LIVE_DEBOUNCE_MS);
  });
}
