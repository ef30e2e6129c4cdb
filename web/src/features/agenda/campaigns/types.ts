import type { RouterOutputs } from '../../../lib/trpc';

/** A campaign as the list returns it. */
export type Campaign = RouterOutputs['agenda']['campaigns']['list'][number];
