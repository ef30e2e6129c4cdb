import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCClient, type TRPCLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { AppRouter } from '../../../src/trpc/app-router';
import { errorCode } from './errors';

export type DeviceClient = TRPCClient<AppRouter>;

/** Who the device is (`device.me`): its kind, name, scopes and the unit it serves (resourceId). */
export type DeviceIdentity = inferRouterOutputs<AppRouter>['device']['me'];

/** The close code the server gives a revoked device's socket. */
export const DEVICE_REVOKED_CLOSE_CODE = 4001;

/** Reconnect at once, then back off, never waiting more than ~5 s: a kiosk or TV has nobody to press reload. */
export function deviceRetryDelayMs(attempt: number): number {
  return attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 5_000);
}

export interface DeviceClientOptions {
  /** Called once, when the server refuses the token (a call fails UNAUTHORIZED or the socket closes with 4001). */
  onRevoked: () => void;
}

export interface DeviceClientHandle {
  client: DeviceClient;
  /** Closes the socket for good; the client must not be used after. */
  dispose(): void;
}

/** Passes everything through, and reports an UNAUTHORIZED failure of any call (subscriptions too). */
function revocationLink(onUnauthorized: () => void): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe({
          next: (value) => observer.next(value),
          complete: () => observer.complete(),
          error: (error) => {
            if (errorCode(error) === 'UNAUTHORIZED') onUnauthorized();
            observer.error(error);
          },
        });
        return () => subscription.unsubscribe();
      });
}

function webSocketUrl(): string {
  return `${location.origin.replace(/^http/, 'ws')}/trpc`;
}

/**
 * A client authenticated by a device token: subscriptions over a WebSocket that stays open and
 * reconnects forever, everything else batched over HTTP with the token as Bearer.
 */
export function createDeviceClient(token: string, { onRevoked }: DeviceClientOptions): DeviceClientHandle {
  let revoked = false;
  let disposed = false;
  const wsClient = createWSClient({
    url: webSocketUrl,
    lazy: { enabled: false, closeMs: 0 },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    connectionParams: { token },
    retryDelayMs: deviceRetryDelayMs,
    onClose: (cause) => {
      if (cause?.code === DEVICE_REVOKED_CLOSE_CODE) markRevoked();
    },
  });
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    void wsClient.close();
  };
  function markRevoked() {
    if (revoked) return;
    revoked = true;
    // Reconnecting with a refused token only gets refused again.
    dispose();
    onRevoked();
  }
  const client = createTRPCClient<AppRouter>({
    links: [
      revocationLink(markRevoked),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({ url: '/trpc', headers: () => ({ authorization: `Bearer ${token}` }) }),
      }),
    ],
  });
  return { client, dispose };
}

const DeviceClientContext = createContext<DeviceClient | null>(null);

export function DeviceClientProvider({ client, children }: { client: DeviceClient; children?: ReactNode }) {
  return createElement(DeviceClientContext.Provider, { value: client }, children);
}

/** The device's client; only inside a DeviceGate (or a DeviceClientProvider). */
export function useDeviceClient(): DeviceClient {
  const client = useContext(DeviceClientContext);
  if (!client) throw new Error('useDeviceClient outside DeviceClientProvider');
  return client;
}

const DeviceIdentityContext = createContext<DeviceIdentity | null>(null);

export function DeviceIdentityProvider({ identity, children }: { identity: DeviceIdentity; children?: ReactNode }) {
  return createElement(DeviceIdentityContext.Provider, { value: identity }, children);
}

/** The enrolled device (`device.me`); its unit is `resourceId`. Only inside a DeviceGate. */
export function useDeviceIdentity(): DeviceIdentity {
  const identity = useContext(DeviceIdentityContext);
  if (!identity) throw new Error('useDeviceIdentity outside DeviceGate');
  return identity;
}
