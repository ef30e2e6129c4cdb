import type { AppEvent } from './catalog';

/** Decides, event by event, what one subscriber of the live stream may receive. */
export type EventAudience = (event: AppEvent) => boolean | Promise<boolean>;

/** Who is subscribed: each domain decides from this what of its events they may receive. */
export interface StreamViewer {
  tenantId: string;
  userId: string;
  roleId: string;
  permissions: ReadonlySet<string>;
}
