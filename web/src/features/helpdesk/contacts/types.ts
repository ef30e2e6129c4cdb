import type { RouterOutputs } from '../../../lib/trpc';

/** A contact as the list returns it. */
export type Contact = RouterOutputs['helpdesk']['contacts']['list']['items'][number];
