import type { Actor } from '../audit/audit-log';
import type { ModuleName } from '../modules';

export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  modules: ModuleName[];
}

/** What a request may do: the user as they are now, not as their token remembers them. */
export interface UserAccess {
  userId: string;
  email: string;
  name: string;
  active: boolean;
  role: { id: string; key: string; name: string };
  permissions: ReadonlySet<string>;
  tenant: TenantProfile;
}

/** A signed-in user as the actor of audited changes. */
export const userActor = (user: UserAccess): Actor => ({ type: 'user', id: user.userId, label: user.email });

/** Answers "who is this user now" for every request; the identity domain keeps it current. */
export interface UserDirectory {
  userAccess(tenantId: string, userId: string): Promise<UserAccess | null>;
  forgetUser(userId: string): void;
  forgetTenant(tenantId: string): void;
  /** Called for a user whose sessions just died (deactivated): open subscriptions end. */
  revokeUser(userId: string): void;
  onUserRevoked(userId: string, listener: () => void): () => void;
  /** Whether a session (the `sessionId` of access tokens) has been ended while its tokens may still be unexpired. */
  isSessionRevoked(sessionId: string): boolean;
  /** Calls the listener once the session is ended, on whichever instance it was ended. */
  onSessionRevoked(sessionId: string, listener: () => void): () => void;
}

/** The prefix of every machine credential the platform issues (`bal_<prefix>_<secret>`). */
export const MACHINE_TOKEN_PREFIX = 'bal';

/** A checked machine credential (an API token): its tenant, name and scopes. */
export interface MachinePrincipal {
  tokenId: string;
  tenantId: string;
  name: string;
  kind: string;
  scopes: ReadonlySet<string>;
  /** The modules the token's tenant has on. */
  tenantModules: readonly string[];
}

/** Checks presented machine credentials; the identity domain owns them. */
export interface MachineCredentials {
  authenticate(presented: string): Promise<MachinePrincipal | null>;
  authenticateMany(presented: readonly string[]): Promise<Array<MachinePrincipal | null>>;
}
