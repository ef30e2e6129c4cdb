import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, PageHeader } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { ConnectionIndicator } from '../../../lib/eventStream';
import { actionsColumn } from '../../../ui/actionsColumn';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useCatalogue } from '../catalogue';
import { bookingProblemOf, type BookingProblem } from '../conflicts';
import { ConflictAlert } from '../ConflictAlert';
import { AGENT_LABELS, AUTH_REQUEST_STATUSES, describeOffer, type AuthRequest, type AuthRequestStatus } from '../labels';
import { useAgendaLiveQueries } from '../liveEvents';
import { formatCents } from '../../../lib/money';
import { formatInZone, useTenantTimeZone } from '../zonedTime';
import { AuthRequestTabs } from './AuthRequestTabs';
import { RejectDialog } from './RejectDialog';

const EMPTY: Record<AuthRequestStatus, string> = {
  pending: 'Nenhuma autorização pendente',
  approved: 'Nenhuma autorização aprovada',
  rejected: 'Nenhuma autorização rejeitada',
  expired: 'Nenhuma autorização expirada',
};

/** Approves a proposed booking; a refusal (its time was taken meanwhile, someone decided first) is kept to show with the free times offered. */
function useApprove() {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [refused, setRefused] = useState<BookingProblem | null>(null);
  const approve = trpc.agenda.authRequests.decide.useMutation({
    onMutate: () => setRefused(null),
    onError: (error) => setRefused(bookingProblemOf(error)),
    onSettled: () => {
      void utils.agenda.authRequests.list.invalidate();
      void utils.agenda.appointments.list.invalidate();
    },
  });
  return {
    approve: (request: AuthRequest) =>
      approve.mutate(
        { id: request.id, decision: 'approve' },
        {
          onSuccess: (result) =>
            toast.success(
              `Autorização de ${request.clientName} aprovada: agendamento confirmado${result.clientNotificationSent ? ' e cliente avisado' : ''}`,
            ),
        },
      ),
    approving: (request: AuthRequest) => approve.isPending && approve.variables?.id === request.id,
    refused,
    dismiss: () => setRefused(null),
  };
}

/**
 * The bookings the agents (Prazo Certo, Encher Agenda, the chat) and people proposed, for the
 * owner to approve or reject. Live for everyone of the company: a new proposal shows, and one
 * decided by someone else leaves the pending tab, without reloading.
 */
export function AuthRequestsPage() {
  useAgendaLiveQueries();
  const canDecide = useCan('agenda.authRequests.decide');
  const timeZone = useTenantTimeZone();
  const { professionals } = useCatalogue();
  const [status, setStatus] = useState<AuthRequestStatus>('pending');
  const [rejecting, setRejecting] = useState<AuthRequest | null>(null);
  const requests = trpc.agenda.authRequests.list.useQuery({ status });
  const decisions = useApprove();
  const when = (iso: string) =>
    formatInZone(iso, timeZone, { weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });

  const columns: Column<AuthRequest>[] = [
    {
      header: 'Cliente',
      cell: (request) => (
        <div>
          <p className="font-medium text-zinc-900">{request.clientName}</p>
          <p className="text-xs text-zinc-500 tabular-nums">{request.clientPhone}</p>
        </div>
      ),
    },
    {
      header: 'Serviço',
      cell: (request) => (
        <div>
          <p>{request.serviceName}</p>
          <p className="text-xs text-zinc-500">{formatCents(request.priceCents)}</p>
        </div>
      ),
    },
    { header: 'Profissional', cell: (request) => request.professionalName },
    { header: 'Data e hora', cell: (request) => <span className="whitespace-nowrap tabular-nums">{when(request.startsAt)}</span> },
    {
      header: 'Oferta',
      cell: (request) =>
        request.offer.type === 'none' ? (
          <span className="text-zinc-400">{describeOffer(request.offer)}</span>
        ) : (
          <Badge tone="green">{describeOffer(request.offer)}</Badge>
        ),
    },
    { header: 'Origem', cell: (request) => <Badge tone="blue">{AGENT_LABELS[request.createdByAgent]}</Badge> },
    status === 'approved' || status === 'rejected'
      ? {
          header: 'Decisão',
          cell: (request) => (
            <div className="space-y-0.5 text-xs">
              <Badge tone={AUTH_REQUEST_STATUSES[request.status].tone}>{AUTH_REQUEST_STATUSES[request.status].label}</Badge>
              {request.decidedAt && <p className="text-zinc-500 tabular-nums">{when(request.decidedAt)}</p>}
              {request.decisionNotes && <p className="text-zinc-600">{request.decisionNotes}</p>}
            </div>
          ),
        }
      : {
          header: status === 'pending' ? 'Expira' : 'Expirou',
          cell: (request) => <span className="whitespace-nowrap text-xs tabular-nums">{when(request.expiresAt)}</span>,
        },
  ];
  if (status === 'pending' && canDecide) {
    columns.push(
      actionsColumn((request) => (
        <>
          <Button
            size="sm"
            tone="primary"
            aria-label={`Aprovar a autorização de ${request.clientName}`}
            busy={decisions.approving(request)}
            onClick={() => decisions.approve(request)}
          >
            Aprovar
          </Button>
          <Button size="sm" aria-label={`Rejeitar a autorização de ${request.clientName}`} onClick={() => setRejecting(request)}>
            Rejeitar
          </Button>
        </>
      )),
    );
  }

  return (
    <>
      <PageHeader
        title="Autorizações pendentes"
        description="Agendamentos propostos pelos agentes e pela equipe, à espera da sua decisão. A lista se atualiza sozinha."
        actions={<ConnectionIndicator />}
      />
      {decisions.refused && <ConflictAlert problem={decisions.refused} professionals={professionals} onDismiss={decisions.dismiss} />}
      <section aria-label="Autorizações" className="space-y-3">
        <AuthRequestTabs current={status} onChange={setStatus} />
        <DataTable
          label="Autorizações"
          testId="auth-requests-table"
          columns={columns}
          rows={requests.data}
          rowKey={(request) => request.id}
          loading={requests.isPending}
          empty={
            <EmptyOrError
              query={requests}
              title={EMPTY[status]}
              hint={status === 'pending' ? 'Novas propostas aparecem aqui sem recarregar a página.' : undefined}
            />
          }
        />
      </section>
      {rejecting && <RejectDialog key={rejecting.id} request={rejecting} onClose={() => setRejecting(null)} />}
    </>
  );
}
