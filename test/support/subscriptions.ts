import type { TRPCClientErrorLike } from '@trpc/client';
import type { AppEvent } from '../../src/platform/events/catalog';
import type { AppRouter } from '../../src/trpc/app-router';
import { wsClient } from './app';

export interface RecordedSubscription {
  events: AppEvent[];
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

/** Subscribes to events.stream over a real WebSocket and records what arrives. */
export function recordEvents(
  url: string,
  token: () => string | undefined,
  input: { lastEventId?: string; types?: AppEvent['type'][] } = {},
): RecordedSubscription {
  const { trpc, client } = wsClient(url, token);
  const events: AppEvent[] = [];
  const errors: TRPCClientErrorLike<AppRouter>[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const subscription = trpc.events.stream.subscribe(input, {
    onStarted: () => markStarted(),
    onData: (tracked) => events.push(tracked.data),
    onError: (error) => errors.push(error),
  });
  return {
    events,
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
