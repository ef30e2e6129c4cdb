import type { AgendaTables } from './agenda';
import type { HelpdeskTables } from './helpdesk';
import type { IdentityTables } from './identity';
import type { PlatformTables } from './platform';

export * from './agenda';
export * from './helpdesk';
export * from './identity';
export * from './platform';

/** The one database interface: every domain's tables (one file each in this folder), merged. */
export interface DB extends PlatformTables, IdentityTables, HelpdeskTables, AgendaTables {}
