import type { RouterOutputs } from '../../../lib/trpc';

/** A queue as the list returns it. */
export type Queue = RouterOutputs['helpdesk']['queues']['list'][number];
