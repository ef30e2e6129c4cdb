/** The movements procedures of the inventory, merged into `inventory.*` by ../router.ts. */
export const movementsRouters = {};
