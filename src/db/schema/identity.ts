import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Timestamp, CreatedAt, DefaultedTimestamp } from './columns';

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  timezone: Generated<string>;
  modules: Generated<string[]>;
  settings: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface RolesTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  name: string;
  description: Generated<string>;
  permissions: string[];
  builtin: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  name: string;
  /** Null while an invitation is pending. */
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: Timestamp | null;
  role_id: string;
  active: Generated<boolean>;
  last_login_at: Timestamp | null;
  deactivated_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  rotated_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: Generated<string>;
  tenant_id: string;
  kind: Generated<string>;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: string[];
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface DevicesTable {
  id: Generated<string>;
  tenant_id: string;
  kind: string;
  name: string;
  scopes: string[];
  resource_id: string | null;
  token_prefix: string | null;
  token_hash: string | null;
  fingerprint: string | null;
  enrolled_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  last_ip: string | null;
  last_user_agent: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface DeviceEnrollmentsTable {
  id: Generated<string>;
  tenant_id: string;
  device_id: string;
  code_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export type Tenant = Selectable<TenantsTable>;

export type NewTenant = Insertable<TenantsTable>;

export type TenantUpdate = Updateable<TenantsTable>;

export type Role = Selectable<RolesTable>;

export type User = Selectable<UsersTable>;

export type RefreshToken = Selectable<RefreshTokensTable>;

export type ApiToken = Selectable<ApiTokensTable>;

export type Device = Selectable<DevicesTable>;

/** Tenants, users, roles, sessions, API tokens and devices. */
export interface IdentityTables {
  tenants: TenantsTable;
  roles: RolesTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  api_tokens: ApiTokensTable;
  devices: DevicesTable;
  device_enrollments: DeviceEnrollmentsTable;
}
