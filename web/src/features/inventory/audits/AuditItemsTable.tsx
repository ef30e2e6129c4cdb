import { getQueryKey } from '@trpc/react-query';
import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { formatDateTime } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useActionFeedback } from '../../../ui/Toast';
import { assetPath } from '../paths';
import { CORRECTION_LABELS, ITEM_STATUS, RESOLUTION_LABELS, type AuditItem, type AuditItemStatus } from './labels';

const place = (location: AuditItem['expectedLocation']) => (location ? `${location.name} (${location.code})` : '—');

/** One list of the audit's items (of a classification, or all), with each item's corrections for who may make them. */
export function AuditItemsTable({ auditId, status, title }: { auditId: string; status: AuditItemStatus | undefined; title: string }) {
  const { client } = trpc.useUtils();
  const utils = trpc.useUtils();
  const canCorrect = useCan('inventory.audits.write');
  const feedback = useActionFeedback();
  const input = { auditId, ...(status ? { status } : {}) };
  const items = useCursorPages(getQueryKey(trpc.inventory.audits.items, input, 'infinite'), (cursor) =>
    client.inventory.audits.items.query({ ...input, ...(cursor ? { cursor } : {}) }),
  );
  const correct = trpc.inventory.audits.correct.useMutation({ onSuccess: () => void utils.inventory.audits.invalidate() });

  const columns: Column<AuditItem>[] = [
    {
      header: 'Etiqueta',
      cell: (item) => (
        <Link to={assetPath(item.assetId)} className="font-mono text-zinc-900 underline-offset-2 hover:underline">
          {item.tag}
        </Link>
      ),
    },
    { header: 'Ativo', cell: (item) => item.name },
    {
      header: 'Situação',
      cell: (item) => (
        <span className="inline-flex flex-col items-start gap-1">
          <Badge tone={ITEM_STATUS[item.status].tone}>{ITEM_STATUS[item.status].label}</Badge>
          {!item.expected && <span className="text-xs text-zinc-500">fora da lista</span>}
        </span>
      ),
    },
    { header: 'Local esperado', cell: (item) => place(item.expectedLocation) },
    { header: 'Encontrado em', cell: (item) => place(item.foundLocation) },
    { header: 'Leituras', cell: (item) => item.scanCount },
    {
      header: 'Correção',
      className: 'text-right',
      cell: (item) =>
        item.resolution ? (
          <span className="text-xs text-zinc-600">
            {RESOLUTION_LABELS[item.resolution]}
            <br />
            {item.resolvedByName ?? ''} {formatDateTime(item.resolvedAt)}
          </span>
        ) : (
          <div className="flex flex-col items-end gap-1.5">
            {canCorrect &&
              item.corrections.map((action) => (
                <Button
                  key={action}
                  size="sm"
                  aria-label={`${CORRECTION_LABELS[action]}: ${item.tag}`}
                  onClick={() =>
                    void feedback(
                      () => correct.mutateAsync({ itemId: item.id, action }),
                      `${item.tag}: ${CORRECTION_LABELS[action].toLowerCase()}`,
                    ).catch(() => undefined)
                  }
                >
                  {CORRECTION_LABELS[action]}
                </Button>
              ))}
          </div>
        ),
    },
  ];

  return (
    <div className="space-y-3">
      <DataTable
        label={title}
        testId="audit-items-table"
        columns={columns}
        rows={items.items}
        rowKey={(item) => item.id}
        loading={items.isPending}
        empty={<EmptyOrError query={items} title="Nenhum item nesta lista" />}
      />
      <LoadMoreButton pages={items} />
    </div>
  );
}
