import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';

/** Fan-out between the instances of one deployment: in-process alone, Redis pub/sub for several. */
export interface MessageBus {
  readonly kind: 'memory' | 'redis';
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createMemoryBus(): MessageBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: 'memory',
    publish: async (channel, message) => {
      emitter.emit(channel, message);
    },
    subscribe: async (channel, handler) => {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

export function createRedisBus(url: string, logger: Logger): MessageBus {
  const options = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  for (const connection of [publisher, subscriber]) {
    connection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis bus connection error'));
  }
  subscriber.on('message', (channel: string, message: string) => emitter.emit(channel, message));
  return {
    kind: 'redis',
    publish: async (channel, message) => {
      try {
        await publisher.publish(channel, message);
      } catch (error) {
        // Delivery still happens at the next poll; losing the fast path must not fail the change.
        logger.warn({ err: (error as Error).message, channel }, 'redis publish failed');
      }
    },
    subscribe: async (channel, handler) => {
      if (emitter.listenerCount(channel) === 0) await subscriber.subscribe(channel);
      emitter.on(channel, handler);
      return () => {
        emitter.off(channel, handler);
        if (emitter.listenerCount(channel) === 0) void subscriber.unsubscribe(channel).catch(() => undefined);
      };
    },
    close: async () => {
      emitter.removeAllListeners();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
