import type { TRPCClientErrorLike } from '@trpc/client';
import type { AppEvent } from '../../src/platform/events/catalog';
import type { AppRouter } from '../../src/trpc/app-router';
import { wsClient } from './app';

export interface RecordedSubscription {
  events: AppEvent[];
  /** What each frame carried: its tracked id and its events (one, or a group with `grouped`). */
  frames: Array<{ id: string; events: AppEvent[] }>;
  errors: TRPCClientErrorLike<AppRouter>[];
  started: Promise<void>;
  waitFor(predicate: (events: AppEvent[]) => boolean, timeoutMs?: number): Promise<AppEvent[]>;
  waitForError(timeoutMs?: number): Promise<TRPCClientErrorLike<AppRouter>>;
  close(): Promise<void>;
}

async function poll<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Subscribes to events.stream (or, with `grouped`, events.streamGrouped) over a real WebSocket and records what arrives. */
export function recordEvents(
  url: string,
  token: () => string | undefined,
  input: { lastEventId?: string; types?: AppEvent['type'][] } = {},
  options: { grouped?: boolean } = {},
): RecordedSubscription {
  const { trpc, client } = wsClient(url, token);
  const events: AppEvent[] = [];
  const frames: RecordedSubscription['frames'] = [];
  const errors: TRPCClientErrorLike<AppRouter>[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const record = (id: string, arrived: AppEvent[]) => {
    frames.push({ id, events: arrived });
    events.push(...arrived);
  };
  const common = { onStarted: () => markStarted(), onError: (error: TRPCClientErrorLike<AppRouter>) => errors.push(error) };
  const subscription = options.grouped
    ? trpc.events.streamGrouped.subscribe(input, { ...common, onData: (tracked) => record(tracked.id, tracked.data.events) })
    : trpc.events.stream.subscribe(input, { ...common, onData: (tracked) => record(tracked.id, [tracked.data]) });
  return {
    events,
    frames,
    errors,
    started,
    waitFor: (predicate, timeoutMs = 5_000) => poll(() => (predicate(events) ? events : undefined), timeoutMs, 'events'),
    waitForError: (timeoutMs = 5_000) => poll(() => errors[0], timeoutMs, 'a subscription error'),
    close: async () => {
      subscription.unsubscribe();
      await client.close();
    },
  };
}
