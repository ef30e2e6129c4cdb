import { trpc } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { ListQueryStatus } from '../../ui/QueryStatus';
import type { WorkflowKind } from './types';
import { useWorkflowDownload } from './useWorkflowDownload';
import { WorkflowSetup } from './WorkflowSetup';

interface N8nWorkflowDownloadsProps {
  /** The kinds this place offers; only those the user may download are listed. */
  kinds: readonly string[];
  /** The helpdesk channel the per-channel kinds are generated for. */
  channelId?: string;
}

/** The n8n workflows of a page, each with "Baixar" and, once downloaded, what to create in n8n for it. */
export function N8nWorkflowDownloads({ kinds, channelId }: N8nWorkflowDownloadsProps) {
  const available = trpc.n8n.kinds.useQuery(undefined, {
    select: (all) => all.filter((kind) => kinds.includes(kind.kind)),
  });
  return (
    <div className="space-y-3">
      <ListQueryStatus query={available} empty="Nenhum workflow do n8n disponível para você aqui" />
      {available.data && available.data.length > 0 && (
        <ul aria-label="Workflows do n8n" className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
          {available.data.map((kind) => (
            <WorkflowDownloadRow key={kind.kind} kind={kind} channelId={channelId} />
          ))}
        </ul>
      )}
    </div>
  );
}

function WorkflowDownloadRow({ kind, channelId }: { kind: WorkflowKind; channelId: string | undefined }) {
  const { busy, generated, download } = useWorkflowDownload(kind.kind, kind.perChannel ? channelId : undefined);
  return (
    <li className="space-y-2 px-3 py-2.5" data-testid={`n8n-workflow-${kind.kind}`}>
      <div className="flex items-center justify-between gap-3">
        <span className="text-sm text-zinc-900">{kind.label}</span>
        <Button size="sm" busy={busy} aria-label={`Baixar ${kind.label}`} onClick={() => void download()}>
          Baixar
        </Button>
      </div>
      {generated && <WorkflowSetup generated={generated} />}
    </li>
  );
}
