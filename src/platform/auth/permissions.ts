/**
 * Permissions are strings declared in code by each domain (`identity.users.write`). Roles hold
 * grants: exact permissions or patterns (`*`, `helpdesk.*`, `*.read`).
 */
export interface PermissionDefinition {
  key: string;
  description: string;
}

export function definePermissions<const T extends Record<string, string>>(
  descriptions: T,
): { [K in keyof T]: K } & { all: PermissionDefinition[] } {
  const keys = Object.fromEntries(Object.keys(descriptions).map((key) => [key, key])) as { [K in keyof T]: K };
  const all = Object.entries(descriptions).map(([key, description]) => ({ key, description }));
  return { ...keys, all };
}

const GRANT_PATTERN = /^(\*|[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)*(\.\*)?|\*\.[a-z][a-zA-Z]*)$/;

export function isValidGrant(grant: string): boolean {
  return GRANT_PATTERN.test(grant);
}

export function grantCovers(grant: string, permission: string): boolean {
  if (grant === '*' || grant === permission) return true;
  if (grant.endsWith('.*')) return permission.startsWith(grant.slice(0, -1));
  if (grant.startsWith('*.')) return permission.endsWith(grant.slice(1));
  return false;
}

export function grantsAllow(grants: readonly string[], permission: string): boolean {
  return grants.some((grant) => grantCovers(grant, permission));
}

/** The concrete permissions a set of grants yields, against the catalogue of declared ones. */
export function expandGrants(grants: readonly string[], catalogue: readonly PermissionDefinition[]): string[] {
  return catalogue.filter((definition) => grantsAllow(grants, definition.key)).map((definition) => definition.key);
}
