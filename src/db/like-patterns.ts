/** `value` as literal text inside a LIKE pattern: its own %, _ and \ match themselves. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A LIKE / ILIKE pattern matching text that contains `value` anywhere. */
export const containing = (value: string) => `%${escapeLike(value)}%`;
