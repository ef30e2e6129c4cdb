import { useCan } from '../../../app/providers';
import type { Campaign } from './types';
import type { RouterOutputs } from '../../../lib/trpc';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, PageHeader, Panel } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { ConnectionIndicator } from '../../../lib/eventStream';
import { useLiveEvents } from '../../../lib/useLiveEvents';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { N8nWorkflowButton } from '../../n8n/N8nWorkflowButton';
import { formatInZone, useTenantTimeZone } from '../zonedTime';
import { CampaignForm } from './CampaignForm';
import { CAMPAIGN_COPY, RUN_STATUSES, RUN_TRIGGERS } from './copy';

type CampaignRun = RouterOutputs['agenda']['campaigns']['runs'][number];

/** Runs, wherever they came from (the schedule, n8n, another user), show up as they finish. */
function useCampaignLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (event.type === 'campaign_completed') void utils.agenda.campaigns.runs.invalidate();
  });
}

/** "Rodar agora": the run's stats come back with it, and are told at once. */
function RunNowButton({ campaign }: { campaign: Campaign }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const run = trpc.agenda.campaigns.run.useMutation({
    onSuccess: (finished) => {
      const { stats } = finished;
      toast.success(
        `${CAMPAIGN_COPY[campaign.type].title}: ${stats.total_clients_found} cliente(s) encontrado(s), ${stats.suggestions_created} sugestão(ões), ${stats.notifications_sent} mensagem(ns)`,
      );
      void utils.agenda.campaigns.runs.invalidate();
      void utils.agenda.authRequests.list.invalidate();
    },
    onError: (error) => toast.error(error.message),
  });
  return (
    <Button
      tone="primary"
      busy={run.isPending}
      onClick={() => run.mutate({ type: campaign.type })}
      aria-label={`Rodar ${CAMPAIGN_COPY[campaign.type].title} agora`}
    >
      Rodar agora
    </Button>
  );
}

/** The workflow that runs both campaigns on n8n's schedule. */
const CAMPAIGN_WORKFLOWS = ['agenda-automations'];

/** Both campaigns on n8n's schedule instead of Balcão's, for a company that wants n8n to own it. */
function CampaignsWorkflowButton() {
  return (
    <N8nWorkflowButton kinds={CAMPAIGN_WORKFLOWS} dialogTitle="Campanhas no horário do n8n">
      <p>
        O n8n roda o Prazo Certo todo dia às 09:00 e o Encher Agenda de segunda a sexta às 08:00, no fuso horário do n8n. Cada execução leva
        como <code className="font-mono text-xs">campaign_id</code> o seu horário agendado: se o n8n repetir uma execução, o Balcão a conta
        uma vez só. Com o n8n no comando, desmarque “Rodar no horário agendado” nas duas campanhas, para que não rodem também pelo Balcão.
      </p>
    </N8nWorkflowButton>
  );
}

/**
 * Prazo Certo and Encher Agenda: what each does, its settings (schedule, offer, window, caps,
 * quiet hours), "Rodar agora", the n8n workflow that runs them, and every run with its stats.
 */
export function CampaignsPage() {
  useCampaignLiveQueries();
  const canWrite = useCan('agenda.campaigns.write');
  const timeZone = useTenantTimeZone();
  const campaigns = trpc.agenda.campaigns.list.useQuery();
  const runs = trpc.agenda.campaigns.runs.useQuery({});
  const columns: Column<CampaignRun>[] = [
    { header: 'Campanha', cell: (run) => CAMPAIGN_COPY[run.type].title },
    { header: 'Origem', cell: (run) => RUN_TRIGGERS[run.trigger] },
    { header: 'Início', cell: (run) => <span className="whitespace-nowrap tabular-nums">{formatInZone(run.startedAt, timeZone)}</span> },
    { header: 'Situação', cell: (run) => <Badge tone={RUN_STATUSES[run.status].tone}>{RUN_STATUSES[run.status].label}</Badge> },
    { header: 'Clientes encontrados', cell: (run) => <span className="tabular-nums">{run.stats.total_clients_found}</span> },
    { header: 'Sugestões criadas', cell: (run) => <span className="tabular-nums">{run.stats.suggestions_created}</span> },
    { header: 'Mensagens enviadas', cell: (run) => <span className="tabular-nums">{run.stats.notifications_sent}</span> },
    { header: 'Erro', cell: (run) => (run.error ? <span className="text-xs text-red-700">{run.error}</span> : null) },
  ];
  return (
    <>
      <PageHeader
        title="Campanhas"
        description="Os agentes que enchem a agenda: cada sugestão vira uma autorização para você aprovar."
        actions={
          <>
            {canWrite && <CampaignsWorkflowButton />}
            <ConnectionIndicator />
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        {campaigns.data?.map((campaign) => (
          <Panel
            key={campaign.type}
            title={CAMPAIGN_COPY[campaign.type].title}
            description={CAMPAIGN_COPY[campaign.type].description}
            actions={canWrite ? <RunNowButton campaign={campaign} /> : undefined}
            testId={`campaign-${campaign.type}`}
          >
            {canWrite ? <CampaignForm campaign={campaign} /> : <p className="text-sm text-zinc-600">Agenda: {campaign.schedule}</p>}
          </Panel>
        ))}
      </div>
      <section aria-label="Execuções" className="mt-6 space-y-3">
        <h2 className="text-sm font-semibold text-zinc-900">Execuções</h2>
        <DataTable
          label="Execuções das campanhas"
          testId="campaign-runs-table"
          columns={columns}
          rows={runs.data}
          rowKey={(run) => run.id}
          loading={runs.isPending}
          empty={<EmptyOrError query={runs} title="Nenhuma execução ainda" hint="Rode uma campanha agora ou espere o horário agendado." />}
        />
      </section>
    </>
  );
}
