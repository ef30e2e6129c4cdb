import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useSession } from '../app/providers';
import { errorMessage, errorReason } from './errors';
import { trpc } from './trpc';
import type { AppEvent } from './appEvents';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

interface EventStreamValue {
  events: AppEvent[];
  status: StreamStatus;
}

const FEED_SIZE = 200;
const RETRY_MS = 3_000;

const EventStreamContext = createContext<EventStreamValue>({ events: [], status: 'offline' });

export function useEventStream(): EventStreamValue {
  return useContext(EventStreamContext);
}

/**
 * The tenant's live events, for the whole signed-in app: keeps the last 200 for the activity
 * feed and marks the affected queries stale (once per group), so lists update without a reload.
 * Socket drops and token renewals are handled by the wsLink (it resubscribes with the last
 * group's id, which resumes after that group's last event); this only restarts the subscription
 * when the server ends it.
 */
export function EventStreamProvider({
  enabled,
  currentUserId,
  children,
}: {
  enabled: boolean;
  currentUserId: string;
  children: ReactNode;
}) {
  const utils = trpc.useUtils();
  const session = useSession();
  const [events, setEvents] = useState<AppEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>(enabled ? 'connecting' : 'offline');

  useEffect(() => {
    if (!enabled) return;
    const invalidators: Record<RefreshableQuery, () => Promise<void>> = {
      users: () => utils.users.list.invalidate(),
      roles: () => utils.roles.list.invalidate(),
      apiTokens: () => utils.apiTokens.list.invalidate(),
      devices: () => utils.devices.list.invalidate(),
      audit: () => utils.audit.list.invalidate(),
      me: () => utils.auth.me.invalidate(),
    };
    let lastEventId: string | undefined;
    let stopped = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let subscription: { unsubscribe(): void } | undefined;

    const start = () => {
      if (stopped) return;
      // Grouped: the events due when a frame is sent arrive together, tracked by the last one's id.
      subscription = utils.client.events.streamGrouped.subscribe(lastEventId ? { lastEventId } : {}, {
        onStarted: () => setStatus('live'),
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting') setStatus(state.error ? 'reconnecting' : 'connecting');
          else if (state.state === 'pending') setStatus('live');
        },
        onData: ({ id, data: { events: arrived } }) => {
          lastEventId = id;
          const ids = new Set(arrived.map((event) => event.id));
          const newestFirst = [...arrived].reverse();
          setEvents((current) => [...newestFirst, ...current.filter((seen) => !ids.has(seen.id))].slice(0, FEED_SIZE));
          const stale = new Set(arrived.flatMap((event) => queriesStaleAfter(event, currentUserId)));
          for (const query of stale) void invalidators[query]();
        },
        onError: (error) => {
          setStatus('offline');
          const reason = errorReason(error);
          if (reason === 'TOKEN_EXPIRED' || reason === 'SESSION_REVOKED') {
            // Renewed once: an ended session cannot be, and signs out.
            void session.refresh().then((renewed) => renewed && start());
          } else if (reason === 'USER_INACTIVE' || reason === 'TOKEN_INVALID') {
            session.end(errorMessage(error));
          } else if (reason !== 'PERMISSION_DENIED') {
            retryTimer = setTimeout(start, RETRY_MS);
          }
        },
      });
    };
    start();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
    };
  }, [enabled, currentUserId, utils, session]);

  return <EventStreamContext.Provider value={{ events, status: enabled ? status : 'offline' }}>{children}</EventStreamContext.Provider>;
}

const STATUS_LABELS: Record<StreamStatus, { label: string; dot: string }> = {
  connecting: { label: 'Conectando…', dot: 'bg-amber-400' },
  live: { label: 'Ao vivo', dot: 'bg-emerald-500' },
  reconnecting: { label: 'Reconectando…', dot: 'bg-amber-400 animate-pulse' },
  offline: { label: 'Desconectado', dot: 'bg-zinc-400' },
};

export function ConnectionIndicator() {
  const { status } = useEventStream();
  const { label, dot } = STATUS_LABELS[status];
  return (
    <span data-testid="connection-status" data-status={status} className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
      <span aria-hidden className={`size-2 rounded-full ${dot}`} />
      {label}
    </span>
  );
}

type RefreshableQuery = 'users' | 'roles' | 'apiTokens' | 'devices' | 'audit' | 'me';

/**
 * Which of the platform's cached lists an event makes stale. Every change is audited, so the audit
 * log always is; the module pages follow their own events (useLiveEvents).
 */
export function queriesStaleAfter(event: AppEvent, currentUserId: string): RefreshableQuery[] {
  switch (event.type) {
    case 'user.created':
      return ['users', 'audit'];
    case 'user.updated':
      return event.data.userId === currentUserId ? ['users', 'audit', 'me'] : ['users', 'audit'];
    case 'role.updated':
      return ['roles', 'users', 'audit', 'me'];
    case 'api_token.created':
    case 'api_token.revoked':
      return ['apiTokens', 'audit'];
    case 'identity.device.created':
    case 'identity.device.enrolled':
    case 'identity.device.revoked':
      return ['devices', 'audit'];
    case 'tenant.updated':
      return ['me', 'audit'];
    default:
      return [];
  }
}
