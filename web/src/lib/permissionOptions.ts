/** Checkbox options for permissions or scopes: the ones the signed-in user lacks are shown but disabled (nobody grants more than they hold). */
export function heldPermissionOptions(catalogue: ReadonlyArray<{ key: string; description: string }>, held: ReadonlySet<string>) {
  return catalogue.map((permission) => ({
    value: permission.key,
    label: permission.key,
    code: true,
    description: held.has(permission.key) ? permission.description : `${permission.description} — seu papel não tem`,
    disabled: !held.has(permission.key),
  }));
}
