import { useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { saveBlobAsFile } from '../../lib/sessionFetch';
import { trpc } from '../../lib/trpc';
import { useToast } from '../../ui/Toast';
import type { GeneratedWorkflow } from './types';

/** The workflow as the file n8n's "Import from File" reads. */
function workflowFile(generated: GeneratedWorkflow): Blob {
  return new Blob([`${JSON.stringify(generated.workflow, null, 2)}\n`], { type: 'application/json' });
}

/**
 * Generates a workflow (always afresh: a renamed channel renames its credential), saves it as its
 * file, and keeps what it needs in n8n to show beside it. A refusal is told as a toast.
 */
export function useWorkflowDownload(kind: string, channelId: string | undefined) {
  const utils = trpc.useUtils();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [generated, setGenerated] = useState<GeneratedWorkflow | null>(null);
  const download = async () => {
    setBusy(true);
    try {
      const result = await utils.n8n.workflow.fetch({ kind, channelId }, { staleTime: 0 });
      saveBlobAsFile(workflowFile(result), result.fileName);
      setGenerated(result);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, generated, download };
}
