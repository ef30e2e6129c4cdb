import { EventEmitter } from 'node:events';
import type { MessageBus } from '../events/bus';
import type { Logger } from '../observability/logger';

const CHANNEL = 'balcao:devices:revoked';

/**
 * Revoked devices, announced to every instance through the message bus (Redis between
 * instances), so each one ends that device's open streams at once. The database stays the
 * authority: every call checks the device row, so a lost announcement never lets a call through.
 */
export class DeviceRevocations {
  readonly #local = new EventEmitter();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: { bus: MessageBus; logger: Logger }) {
    this.#local.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.#unsubscribe ??= await this.deps.bus.subscribe(CHANNEL, (message) => {
      if (typeof message === 'string' && message.length > 0) this.#local.emit('revoked', message);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Announces a revocation after its commit: this instance at once, the others through the bus. */
  async announce(deviceId: string): Promise<void> {
    this.#local.emit('revoked', deviceId);
    if (this.deps.bus.kind === 'memory') return; // the in-process bus would only repeat it here
    await this.deps.bus.publish(CHANNEL, deviceId).catch((error: unknown) => {
      this.deps.logger.warn({ err: (error as Error).message, deviceId }, 'device revocation announcement failed');
    });
  }

  onRevoked(deviceId: string, listener: () => void): () => void {
    const handler = (revoked: string) => {
      if (revoked === deviceId) listener();
    };
    this.#local.on('revoked', handler);
    return () => this.#local.off('revoked', handler);
  }
}
