import { useState } from 'react';
import { Link } from 'react-router';
import { useCan, useSession } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { Badge, Card, EmptyState, PageHeader, Panel } from '../../../ui/Layout';
import { useActionFeedback, useToast } from '../../../ui/Toast';
import { INVENTORY_PATHS } from '../paths';
import { AuditItemsTable } from './AuditItemsTable';
import { AUDIT_STATUS, describeScope, ITEM_STATUS, ITEM_STATUS_ORDER, type AuditItemStatus, type AuditView } from './labels';
import { downloadAuditReport } from './reportDownload';
import { ScanBox } from './ScanBox';

const COUNT_OF: Record<AuditItemStatus, keyof AuditView['counts']> = {
  PENDING: 'pending',
  FOUND: 'found',
  MISSING: 'missing',
  UNEXPECTED: 'unexpected',
  WRONG_LOCATION: 'wrongLocation',
};

/** The list to open first: the first classification that needs a decision, or everything. */
const firstList = (audit: AuditView): AuditItemStatus | 'all' =>
  ITEM_STATUS_ORDER.find((status) => status !== 'FOUND' && audit.counts[COUNT_OF[status]] > 0) ?? 'all';

/** /inventario/auditorias/<id>: the session, its live progress, the scan box while it runs, its lists with corrections, and its report. */
export function AuditDetail({ auditId }: { auditId: string }) {
  const audit = trpc.inventory.audits.get.useQuery({ id: auditId });
  if (audit.isPending) return <p className="text-sm text-zinc-500">Carregando…</p>;
  if (audit.isError) return <EmptyState title={errorMessage(audit.error)} hint="Volte à lista de inventários." />;
  return <AuditSession audit={audit.data} />;
}

function AuditSession({ audit }: { audit: AuditView }) {
  const utils = trpc.useUtils();
  const session = useSession();
  const toast = useToast();
  const feedback = useActionFeedback();
  const canWrite = useCan('inventory.audits.write');
  const canScan = useCan('inventory.audits.scan');
  const [picked, setPicked] = useState<AuditItemStatus | 'all' | null>(null);
  const list = picked ?? firstList(audit);
  const refresh = () => void utils.inventory.audits.invalidate();
  const start = trpc.inventory.audits.start.useMutation({ onSuccess: refresh });
  const close = trpc.inventory.audits.close.useMutation({ onSuccess: refresh });
  const cancel = trpc.inventory.audits.cancel.useMutation({ onSuccess: refresh });
  const download = (format: 'pdf' | 'csv') =>
    void downloadAuditReport(session, audit.id, format).catch((error) => toast.error(errorMessage(error)));

  const actions = (
    <>
      {canWrite && audit.actions.includes('start') && (
        <Button
          tone="primary"
          busy={start.isPending}
          onClick={() => void feedback(() => start.mutateAsync({ id: audit.id }), 'Inventário iniciado').catch(() => undefined)}
        >
          Iniciar contagem
        </Button>
      )}
      {canWrite && audit.actions.includes('close') && (
        <ConfirmButton
          label="Encerrar inventário"
          title="Encerrar o inventário?"
          message="O que não foi lido fica como faltando. Nenhum ativo muda sozinho: as correções continuam disponíveis."
          confirmLabel="Encerrar"
          tone="primary"
          onConfirm={() => feedback(() => close.mutateAsync({ id: audit.id }), 'Inventário encerrado')}
        />
      )}
      {canWrite && audit.actions.includes('cancel') && (
        <ConfirmButton
          label="Cancelar inventário"
          title="Cancelar o inventário?"
          message="As leituras feitas ficam registradas, mas o inventário não gera relatório."
          confirmLabel="Cancelar inventário"
          onConfirm={() => feedback(() => cancel.mutateAsync({ id: audit.id }), 'Inventário cancelado')}
        />
      )}
      {audit.status === 'closed' && (
        <>
          <Button onClick={() => download('pdf')}>Relatório PDF</Button>
          <Button onClick={() => download('csv')}>Relatório CSV</Button>
        </>
      )}
    </>
  );

  const figures: { label: string; value: number; testId: string }[] = [
    { label: 'Esperados', value: audit.expectedCount, testId: 'expected' },
    { label: 'Encontrados', value: audit.counts.found, testId: 'found' },
    audit.status === 'closed'
      ? { label: 'Faltando', value: audit.counts.missing, testId: 'missing' }
      : { label: 'Pendentes', value: audit.counts.pending, testId: 'pending' },
    { label: 'Local errado', value: audit.counts.wrongLocation, testId: 'wrong-location' },
    { label: 'Inesperados', value: audit.counts.unexpected, testId: 'unexpected' },
    { label: 'Corrigidos', value: audit.counts.resolved, testId: 'resolved' },
  ];
  const tabs: (AuditItemStatus | 'all')[] = [...ITEM_STATUS_ORDER.filter((status) => audit.counts[COUNT_OF[status]] > 0), 'all'];

  return (
    <div className="space-y-6">
      <PageHeader
        title={audit.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <Badge tone={AUDIT_STATUS[audit.status].tone}>{AUDIT_STATUS[audit.status].label}</Badge>
            {describeScope(audit.scope)}
            {audit.startedAt && <span>· iniciado em {formatDateTime(audit.startedAt)}</span>}
            {audit.closedAt && <span>· encerrado em {formatDateTime(audit.closedAt)}</span>}
          </span>
        }
        actions={actions}
      />
      <Link to={INVENTORY_PATHS.audits} className="text-sm text-zinc-600 underline-offset-2 hover:underline">
        ← Inventários físicos
      </Link>
      {audit.status !== 'draft' && (
        <dl aria-label="Progresso" data-testid="audit-progress" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {figures.map((figure) => (
            <Card key={figure.testId} className="p-4">
              <dt className="text-xs text-zinc-500">{figure.label}</dt>
              <dd className="text-2xl font-semibold text-zinc-900 tabular-nums" data-testid={`audit-count-${figure.testId}`}>
                {figure.value}
              </dd>
            </Card>
          ))}
        </dl>
      )}
      {audit.status === 'draft' && (
        <Card>
          <EmptyState
            title="Rascunho"
            hint="Ao iniciar, a lista do que se espera encontrar é congelada com os ativos do escopo de agora."
          />
        </Card>
      )}
      {audit.status === 'in_progress' && canScan && <ScanBox auditId={audit.id} />}
      {audit.status !== 'draft' && (
        <Panel
          title="Itens"
          actions={
            <div role="group" aria-label="Lista" className="flex flex-wrap gap-1">
              {tabs.map((tab) => (
                <Button
                  key={tab}
                  size="sm"
                  tone={tab === list ? 'primary' : 'secondary'}
                  aria-pressed={tab === list}
                  onClick={() => setPicked(tab)}
                >
                  {tab === 'all' ? `Todos (${audit.counts.items})` : `${ITEM_STATUS[tab].label} (${audit.counts[COUNT_OF[tab]]})`}
                </Button>
              ))}
            </div>
          }
        >
          <AuditItemsTable
            key={list}
            auditId={audit.id}
            status={list === 'all' ? undefined : list}
            title={list === 'all' ? 'Todos os itens' : `Itens: ${ITEM_STATUS[list].label}`}
          />
        </Panel>
      )}
    </div>
  );
}
