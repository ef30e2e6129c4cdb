/** No one hands out, through a role, more than they hold (the server enforces it; the UI just says so first). */
export function canGrant(role: { permissions: readonly string[] }, mine: readonly string[]): boolean {
  return role.permissions.every((permission) => mine.includes(permission));
}
