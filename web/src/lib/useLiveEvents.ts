import { useEffect, useEffectEvent, useRef } from 'react';
import type { AppEvent } from './appEvents';
import { useEventStream } from './eventStream';

/**
 * Calls `onEvent` for every event of the live stream that arrives while the component is
 * mounted, oldest first. Events already in the feed at mount are old news: the page loaded
 * its data after them.
 */
export function useLiveEvents(onEvent: (event: AppEvent) => void): void {
  const { events } = useEventStream();
  const newestSeenId = useRef(events[0]?.id);
  const handle = useEffectEvent(onEvent);
  useEffect(() => {
    const arrived: AppEvent[] = [];
    for (const event of events) {
      if (event.id === newestSeenId.current) break;
      arrived.push(event);
    }
    newestSeenId.current = events[0]?.id;
    for (const event of arrived.reverse()) handle(event);
  }, [events]);
}
