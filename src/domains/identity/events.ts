import type { EventTypeDeclarations } from '../../platform/events/catalog';
import { identityPermissions as can } from './permissions';

declare module '../../platform/events/catalog' {
  interface EventMap {
    'user.created': { userId: string; email: string; name: string; role: string };
    'user.updated': { userId: string; changes: string[]; active: boolean; role: string };
    'role.updated': { roleId: string; key: string; name: string; change: 'created' | 'updated' | 'deleted' };
    'api_token.created': { tokenId: string; name: string; scopes: string[] };
    'api_token.revoked': { tokenId: string; name: string };
    'tenant.updated': { tenantId: string; changes: string[] };
    /** Sessions ended (logout, password change, deactivation, a reused refresh token): open sockets of them close. */
    'identity.session.revoked': {
      userId: string;
      sessionIds: string[];
      reason: 'logout' | 'password_changed' | 'user_deactivated' | 'reuse_detected';
    };
    'identity.device.created': { deviceId: string; kind: string; name: string };
    'identity.device.enrolled': { deviceId: string; kind: string; name: string };
    'identity.device.revoked': { deviceId: string; kind: string; name: string };
  }
  interface InternalEventTypes {
    'identity.session.revoked': true;
  }
}

// Identity events carry emails, roles and token scopes: only who may see the users receives them.
const seesUsers = { readPermission: can['identity.users.read'] };
const seesDevices = { readPermission: can['identity.devices.read'] };

export const identityEventTypes = {
  'user.created': seesUsers,
  // Their own record and role changing reach the viewer anyway (no email in them): the dashboard follows at once.
  'user.updated': { ...seesUsers, aboutViewer: (data, viewer) => data.userId === viewer.userId },
  'role.updated': { ...seesUsers, aboutViewer: (data, viewer) => data.roleId === viewer.roleId },
  'api_token.created': seesUsers,
  'api_token.revoked': seesUsers,
  'tenant.updated': seesUsers,
  'identity.device.created': seesDevices,
  'identity.device.enrolled': seesDevices,
  'identity.device.revoked': seesDevices,
  'identity.session.revoked': { internal: true },
} as const satisfies EventTypeDeclarations;
