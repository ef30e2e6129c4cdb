import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { Dialog } from '../../../ui/Dialog';
import { Badge } from '../../../ui/Layout';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import type { ApiConfig } from './types';

const statusTone = (statusCode: number) => (statusCode < 300 ? 'green' : statusCode < 500 ? 'amber' : 'red');

/** The config's last 50 calls, newest first: what was asked, the answer, and why it failed. */
export function ApiCallsDialog({ config, onClose }: { config: ApiConfig; onClose: () => void }) {
  const calls = trpc.helpdesk.apiConfigs.calls.useQuery({ apiId: config.apiId });
  return (
    <Dialog
      title={`Chamadas de ${config.name}`}
      onClose={onClose}
      testId="api-calls-dialog"
      footer={<Button onClick={onClose}>Fechar</Button>}
    >
      <ListQueryStatus query={calls} empty="Nenhuma chamada ainda" />
      <ol aria-label="Chamadas recentes" className="max-h-96 divide-y divide-zinc-100 overflow-y-auto">
        {calls.data?.map((call) => (
          <li key={call.id} data-testid="api-call" className="space-y-0.5 py-2">
            <div className="flex items-center justify-between gap-2">
              <Badge tone={statusTone(call.statusCode)}>{call.statusCode}</Badge>
              <time dateTime={call.at} className="text-xs text-zinc-500">
                {formatDateTime(call.at)}
              </time>
            </div>
            <p className="font-mono text-xs break-all text-zinc-700">{`${call.method} ${call.path}`}</p>
            {call.error && <p className="text-xs break-words text-red-700">{call.error}</p>}
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
