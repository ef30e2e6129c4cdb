import type { AgendaTables } from './agenda';
import type { HelpdeskTables } from './helpdesk';
import type { IdentityTables } from './identity';
import type { InventoryTables } from './inventory';
import type { PlatformTables } from './platform';
import type { QueueTables } from './queue';
import type { UsageTables } from './usage';

export * from './agenda';
export * from './helpdesk';
export * from './identity';
export * from './inventory';
export * from './platform';
export * from './queue';
export * from './usage';

/** The one database interface: every domain's tables (one file each in this folder), merged. */
export interface DB extends PlatformTables, IdentityTables, HelpdeskTables, AgendaTables, QueueTables, UsageTables, InventoryTables {}
