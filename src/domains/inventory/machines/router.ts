/** The machines procedures of the inventory, merged into `inventory.*` by ../router.ts. */
export const machinesRouters = {};
