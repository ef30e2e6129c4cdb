import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { StreamedEvent } from '../../src/platform/events/catalog';
import type { AppRouter } from '../../src/trpc/app-router';

/**
 * bench:ws's subscribers, in a process of their own (one per server, so receiving never shares the
 * bench's event loop and is not capped at one core): `count` @trpc/client wsLink clients, each
 * subscribed to events.stream (or, with `grouped`, events.streamGrouped) on one server. Driven by
 * the bench over IPC (advanced serialization); it reports progress every 25 ms, latency samples on
 * request, and at the end checks what each subscriber got against the order it is given.
 */

export type SubscriberCommand =
  | { kind: 'connect'; url: string; token: string; count: number; grouped: boolean; warmupUserId: string }
  | { kind: 'collect' }
  | { kind: 'check'; truth: number[] }
  | { kind: 'close' };

export type SubscriberReport =
  | { kind: 'connected'; count: number }
  | {
      kind: 'progress';
      /** Deliveries of measured events since the start (warm-up ones excluded). */
      deliveries: number;
      /** Frames received since the start (a grouped frame carries several deliveries). */
      frames: number;
      /** Ids of measured events that every subscriber of this process has now received. */
      completed: number[];
      warmedUp: number;
      disconnects: number;
      errors: string[];
    }
  | { kind: 'samples'; latenciesMs: Float64Array }
  | { kind: 'checked'; wrong: number; missing: number; duplicated: number; unknown: number; deliveries: number }
  | { kind: 'closed' };

interface Subscriber {
  received: number[];
  sawWarmup: boolean;
  close(): Promise<void>;
}

interface SeenEvent {
  occurredAt: number;
  deliveries: number;
}

/** One event as the stream carries it, whatever the server (grouped payloads hold several). */
type StreamPayload = StreamedEvent | { events: StreamedEvent[] };

const send = (report: SubscriberReport) => process.send!(report);

if (process.send) {
  const subscribers: Subscriber[] = [];
  const seen = new Map<number, SeenEvent>();
  let latencies = new Float64Array(1 << 16);
  let latencyCount = 0;
  let deliveries = 0;
  let frames = 0;
  let completed: number[] = [];
  let disconnects = 0;
  let errors: string[] = [];
  let warmupUserId = '';
  let dirty = false;

  const record = (subscriber: Subscriber, event: StreamedEvent, now: number) => {
    if (event.type !== 'user.updated') return;
    if (event.data.userId === warmupUserId) {
      subscriber.sawWarmup = true;
      dirty = true;
      return;
    }
    const id = Number(event.id);
    let entry = seen.get(id);
    if (!entry) {
      entry = { occurredAt: Date.parse(event.occurredAt), deliveries: 0 };
      seen.set(id, entry);
    }
    subscriber.received.push(id);
    deliveries += 1;
    entry.deliveries += 1;
    if (entry.deliveries === subscribers.length) completed.push(id);
    if (latencyCount === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[latencyCount++] = now - entry.occurredAt;
    dirty = true;
  };

  const connect = (url: string, token: string, grouped: boolean) =>
    new Promise<Subscriber>((resolve, reject) => {
      const client = createWSClient({
        url: `${url.replace('http', 'ws')}/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: () => ({ token }),
        retryDelayMs: () => 500,
        onClose: () => {
          disconnects += 1;
          dirty = true;
        },
      });
      const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
      const subscriber: Subscriber = { received: [], sawWarmup: false, close: () => client.close() };
      const handlers = {
        onStarted: () => resolve(subscriber),
        onData: ({ data }: { data: StreamPayload }) => {
          const now = Date.now();
          frames += 1;
          if ('events' in data) for (const event of data.events) record(subscriber, event, now);
          else record(subscriber, data, now);
        },
        onError: (error: Error) => {
          errors.push(error.message);
          dirty = true;
          reject(error);
        },
      };
      const subscription = grouped ? trpc.events.streamGrouped.subscribe({}, handlers) : trpc.events.stream.subscribe({}, handlers);
      subscriber.close = async () => {
        subscription.unsubscribe();
        await client.close();
      };
    });

  const timer = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    send({
      kind: 'progress',
      deliveries,
      frames,
      completed,
      warmedUp: subscribers.filter((subscriber) => subscriber.sawWarmup).length,
      disconnects,
      errors,
    });
    completed = [];
    errors = [];
  }, 25);

  process.on('message', (command: SubscriberCommand) => {
    void (async () => {
      switch (command.kind) {
        case 'connect': {
          warmupUserId = command.warmupUserId;
          for (let i = 0; i < command.count; i += 100) {
            const batch = Array.from({ length: Math.min(100, command.count - i) }, () =>
              connect(command.url, command.token, command.grouped),
            );
            subscribers.push(...(await Promise.all(batch)));
          }
          send({ kind: 'connected', count: subscribers.length });
          break;
        }
        case 'collect':
          send({ kind: 'samples', latenciesMs: latencies.slice(0, latencyCount) });
          latencyCount = 0;
          break;
        case 'check': {
          const truth = command.truth;
          const truthSet = new Set(truth);
          const tally = { wrong: 0, missing: 0, duplicated: 0, unknown: 0, deliveries: 0 };
          for (const { received } of subscribers) {
            tally.deliveries += received.length;
            if (received.length === truth.length && received.every((id, i) => id === truth[i])) continue;
            tally.wrong += 1;
            const got = new Set(received);
            tally.missing += truth.filter((id) => !got.has(id)).length;
            tally.duplicated += received.length - got.size;
            tally.unknown += [...got].filter((id) => !truthSet.has(id)).length;
          }
          send({ kind: 'checked', ...tally });
          break;
        }
        case 'close':
          clearInterval(timer);
          await Promise.all(subscribers.map((subscriber) => subscriber.close()));
          send({ kind: 'closed' });
          process.disconnect();
          break;
      }
    })().catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
  });
}
