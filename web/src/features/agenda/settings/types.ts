import type { RouterOutputs } from '../../../lib/trpc';

/** The tenant's agenda settings as the server returns them. */
export type AgendaSettings = RouterOutputs['agenda']['settings']['get'];
