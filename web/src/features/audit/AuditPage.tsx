import { getQueryKey } from '@trpc/react-query';
import { useMemo, useState } from 'react';
import { useCan, useSession } from '../../app/providers';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, summarizeRecord } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { useCursorPages } from '../../lib/useCursorPages';
import { Button } from '../../ui/Button';
import { DataTable, type Column } from '../../ui/DataTable';
import { Badge, EmptyState, PageHeader } from '../../ui/Layout';
import { useToast } from '../../ui/Toast';
import { AuditFiltersForm } from './AuditFiltersForm';
import { downloadAuditExport, type ExportFormat } from './exportAudit';
import { NO_FILTERS, toAuditQuery, type AuditFilterValues } from './filters';

type AuditItem = RouterOutputs['audit']['list']['items'][number];

const ACTOR_TYPES: Record<AuditItem['actor']['type'], string> = {
  user: 'usuário',
  api_token: 'token de API',
  device: 'dispositivo',
  system: 'sistema',
};

const columns: Column<AuditItem>[] = [
  { header: 'Quando', cell: (item) => <span className="whitespace-nowrap">{formatDateTime(item.occurredAt)}</span> },
  {
    header: 'Quem',
    cell: (item) => (
      <div>
        <p className="text-zinc-900">{item.actor.label}</p>
        <p className="text-xs text-zinc-500">{ACTOR_TYPES[item.actor.type]}</p>
      </div>
    ),
  },
  {
    header: 'Ação',
    cell: (item) => <Badge tone={item.action.includes('fail') || item.action.includes('reuse') ? 'red' : 'zinc'}>{item.action}</Badge>,
  },
  {
    header: 'Entidade',
    cell: (item) => (
      <span className="font-mono text-xs" title={item.entityId ?? undefined}>
        {item.entity}
        {item.entityId && <span className="text-zinc-400"> · {item.entityId.slice(0, 8)}</span>}
      </span>
    ),
  },
  {
    header: 'Alterações',
    cell: (item) => <span className="text-xs break-words text-zinc-600">{summarizeRecord(item.diff)}</span>,
    className: 'max-w-md',
  },
  { header: 'Origem', cell: (item) => <span className="font-mono text-xs text-zinc-500">{item.ip ?? '—'}</span> },
];

export function AuditPage() {
  const session = useSession();
  const toast = useToast();
  const canExport = useCan('audit.export');
  const [filters, setFilters] = useState<AuditFilterValues>(NO_FILTERS);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const query = useMemo(() => toAuditQuery(filters), [filters]);
  const { client } = trpc.useUtils();
  const audit = useCursorPages(getQueryKey(trpc.audit.list, query, 'infinite'), (cursor) =>
    client.audit.list.query({ ...query, limit: 50, ...(cursor ? { cursor } : {}) }),
  );

  const exportAs = async (format: ExportFormat) => {
    setExporting(format);
    try {
      await downloadAuditExport(session, format, query);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setExporting(null);
    }
  };

  return (
    <>
      <PageHeader
        title="Auditoria"
        description="Cada alteração feita no painel, pela API ou pelo sistema: quem, o quê, quando e de onde."
        actions={
          canExport && (
            <>
              <Button busy={exporting === 'csv'} onClick={() => void exportAs('csv')}>
                Exportar CSV
              </Button>
              <Button busy={exporting === 'json'} onClick={() => void exportAs('json')}>
                Exportar JSON
              </Button>
            </>
          )
        }
      />
      <AuditFiltersForm applied={filters} onApply={setFilters} />
      <DataTable
        label="Registro de auditoria"
        testId="audit-table"
        columns={columns}
        rows={audit.items}
        rowKey={(item) => item.id}
        loading={audit.isPending}
        empty={
          <EmptyState
            title={audit.isError ? errorMessage(audit.error) : 'Nenhum registro encontrado'}
            hint={audit.isError ? undefined : 'Ajuste os filtros ou aguarde novas alterações.'}
          />
        }
      />
      {audit.hasNextPage && (
        <div className="flex justify-center">
          <Button busy={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            Carregar mais
          </Button>
        </div>
      )}
    </>
  );
}
