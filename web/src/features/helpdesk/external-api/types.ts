import type { RouterOutputs } from '../../../lib/trpc';

/** An external API configuration as the list returns it. */
export type ApiConfig = RouterOutputs['helpdesk']['apiConfigs']['list'][number];
