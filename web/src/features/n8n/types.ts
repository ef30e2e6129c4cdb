import type { RouterOutputs } from '../../lib/trpc';

/** A workflow this user may download, as `n8n.kinds` lists it. */
export type WorkflowKind = RouterOutputs['n8n']['kinds'][number];

/** A generated workflow file and what it needs in n8n. */
export type GeneratedWorkflow = RouterOutputs['n8n']['workflow'];
