import { getQueryKey } from '@trpc/react-query';
import { Link, useParams } from 'react-router';
import { useCan } from '../../../app/providers';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { auditPath } from '../paths';
import { AuditDetail } from './AuditDetail';
import { AUDIT_STATUS, describeScope, type AuditView } from './labels';
import { useAuditsLiveQueries } from './liveEvents';
import { NewAuditForm } from './NewAuditForm';

/** /inventario/auditorias lists the audits (inventários físicos); /inventario/auditorias/<id> opens one. */
export function AuditsPage() {
  useAuditsLiveQueries();
  const auditId = useParams()['*'] || null;
  return auditId ? <AuditDetail key={auditId} auditId={auditId} /> : <AuditList />;
}

const progressOf = (audit: AuditView) => {
  if (audit.status === 'draft') return '—';
  const scanned = audit.counts.found + audit.counts.wrongLocation;
  return `${scanned} de ${audit.expectedCount} lidos${audit.counts.unexpected ? ` · ${audit.counts.unexpected} inesperado(s)` : ''}`;
};

function AuditList() {
  const canWrite = useCan('inventory.audits.write');
  const { client } = trpc.useUtils();
  const audits = useCursorPages(getQueryKey(trpc.inventory.audits.list, {}, 'infinite'), (cursor) =>
    client.inventory.audits.list.query(cursor ? { cursor } : {}),
  );
  const columns: Column<AuditView>[] = [
    {
      header: 'Inventário',
      cell: (audit) => (
        <Link to={auditPath(audit.id)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
          {audit.name}
        </Link>
      ),
    },
    { header: 'Situação', cell: (audit) => <Badge tone={AUDIT_STATUS[audit.status].tone}>{AUDIT_STATUS[audit.status].label}</Badge> },
    { header: 'Escopo', cell: (audit) => <span className="text-xs text-zinc-600">{describeScope(audit.scope)}</span> },
    { header: 'Progresso', cell: progressOf },
    { header: 'Criado em', cell: (audit) => <span className="whitespace-nowrap">{formatDateTime(audit.createdAt)}</span> },
  ];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Inventários físicos"
        description="Contagens por local e categoria: a lista esperada é congelada no início, várias pessoas leem ao mesmo tempo e as correções são feitas uma a uma."
      />
      <WithSideColumn
        main={
          <Panel title="Inventários">
            <DataTable
              label="Inventários"
              testId="audits-table"
              columns={columns}
              rows={audits.items}
              rowKey={(audit) => audit.id}
              loading={audits.isPending}
              empty={<EmptyOrError query={audits} title="Nenhum inventário ainda" hint="Crie o primeiro no formulário ao lado." />}
            />
            <LoadMoreButton pages={audits} />
          </Panel>
        }
        side={canWrite && <NewAuditForm />}
      />
    </div>
  );
}
