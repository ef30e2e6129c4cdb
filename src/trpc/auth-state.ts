import type { AccessClaims, AccessTokenFailure } from '../platform/auth/access-tokens';
import type { DevicePrincipal } from '../platform/devices/principal';

/** Who is calling, as the bearer token said when the call (or the socket) began. */
export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'rejected'; reason: AccessTokenFailure | 'DEVICE_TOKEN_INVALID' }
  | { kind: 'user'; claims: AccessClaims }
  | { kind: 'device'; device: DevicePrincipal };
