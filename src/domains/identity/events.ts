import type { EventType } from '../../platform/events/catalog';

declare module '../../platform/events/catalog' {
  interface EventMap {
    'user.created': { userId: string; email: string; name: string; role: string };
    'user.updated': { userId: string; changes: string[]; active: boolean; role: string };
    'role.updated': { roleId: string; key: string; name: string; change: 'created' | 'updated' | 'deleted' };
    'api_token.created': { tokenId: string; name: string; scopes: string[] };
    'api_token.revoked': { tokenId: string; name: string };
    'tenant.updated': { tenantId: string; changes: string[] };
    'identity.device.created': { deviceId: string; kind: string; name: string };
    'identity.device.enrolled': { deviceId: string; kind: string; name: string };
    'identity.device.revoked': { deviceId: string; kind: string; name: string };
  }
}

export const identityEventTypes = [
  'user.created',
  'user.updated',
  'role.updated',
  'api_token.created',
  'api_token.revoked',
  'tenant.updated',
  'identity.device.created',
  'identity.device.enrolled',
  'identity.device.revoked',
] as const satisfies readonly EventType[];
