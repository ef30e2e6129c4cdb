import { getQueryKey } from '@trpc/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField, TextField } from '../../../ui/Field';
import { Badge, EmptyState, PageHeader } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { useFormValues } from '../../../ui/useFormValues';
import { addDays, isoWithOffset, useTenantTimeZone } from '../../agenda/zonedTime';
import { useFormatInstant } from '../dates';
import { AUDIT_ACTIONS, AUDIT_RESOURCES, optionsOf } from '../labels';
import type { UsageAuditLog } from '../types';

const PAGE_SIZE = 50;
const DETAILS_SHOWN = 160;

interface LogFilterValues {
  action: string;
  resource: string;
  fromDay: string;
  toDay: string;
}

const NO_FILTERS: LogFilterValues = { action: '', resource: '', fromDay: '', toDay: '' };

/** The details as compact JSON, cut to fit a cell (the whole of it in the tooltip). */
export function compactJson(details: Record<string, unknown>, max = DETAILS_SHOWN): string {
  const text = JSON.stringify(details);
  if (!text || text === '{}') return '—';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What admins did in the usage module (users, grants, keys, alerts, models, settings), newest first. */
export function LogsPage() {
  const timeZone = useTenantTimeZone();
  const formatInstant = useFormatInstant();
  const [filters, setFilters] = useState<LogFilterValues>(NO_FILTERS);
  const draft = useFormValues(filters);
  const query = useMemo(
    () => ({
      ...(filters.action ? { action: filters.action } : {}),
      ...(filters.resource ? { resource: filters.resource } : {}),
      // Whole days on the company's clock, the last one included.
      ...(filters.fromDay ? { from: isoWithOffset({ date: filters.fromDay, time: '00:00' }, timeZone) } : {}),
      ...(filters.toDay ? { to: isoWithOffset({ date: addDays(filters.toDay, 1), time: '00:00' }, timeZone) } : {}),
    }),
    [filters, timeZone],
  );
  const { client } = trpc.useUtils();
  const logs = useCursorPages(getQueryKey(trpc.usage.logs.audit, query, 'infinite'), (cursor) =>
    client.usage.logs.audit.query({ ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  );
  const clear = () => {
    draft.replace(NO_FILTERS);
    setFilters(NO_FILTERS);
  };

  const columns: Column<UsageAuditLog>[] = [
    { header: 'Quando', cell: (log) => <span className="whitespace-nowrap">{formatInstant(log.createdAt)}</span> },
    { header: 'Quem', cell: (log) => <span className="text-zinc-900">{log.actorLabel}</span> },
    {
      header: 'Ação',
      cell: (log) => (
        <div className="space-y-0.5">
          <Badge>{log.action}</Badge>
          {AUDIT_ACTIONS[log.action] && <p className="text-xs text-zinc-500">{AUDIT_ACTIONS[log.action]}</p>}
        </div>
      ),
    },
    {
      header: 'Recurso',
      cell: (log) => (
        <span className="font-mono text-xs" title={log.resourceId ?? undefined}>
          {log.resource}
          {log.resourceId && <span className="text-zinc-400"> · {log.resourceId.slice(0, 8)}</span>}
        </span>
      ),
    },
    {
      header: 'Detalhes',
      className: 'max-w-md',
      cell: (log) => (
        <code className="block font-mono text-xs break-all text-zinc-600" title={JSON.stringify(log.details, null, 2)}>
          {compactJson(log.details)}
        </code>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Logs"
        description="O registro de auditoria do uso de IA: quem fez o quê, quando, com os detalhes de cada alteração."
      />
      <form
        aria-label="Filtros dos logs"
        className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto]"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft.values);
        }}
      >
        <SelectField label="Ação" options={optionsOf(AUDIT_ACTIONS, 'Todas')} {...draft.bind('action')} />
        <SelectField label="Recurso" options={optionsOf(AUDIT_RESOURCES, 'Todos')} {...draft.bind('resource')} />
        <TextField label="De" type="date" {...draft.bind('fromDay')} />
        <TextField label="Até" type="date" {...draft.bind('toDay')} />
        <div className="flex items-end gap-2">
          <Button type="submit" tone="primary">
            Filtrar
          </Button>
          <Button tone="ghost" onClick={clear}>
            Limpar
          </Button>
        </div>
      </form>
      <DataTable
        label="Logs do uso de IA"
        testId="usage-logs-table"
        columns={columns}
        rows={logs.items}
        rowKey={(log) => log.id}
        loading={logs.isPending}
        empty={
          <EmptyState
            title={logs.isError ? errorMessage(logs.error) : 'Nenhum registro encontrado'}
            hint={logs.isError ? undefined : 'Ajuste os filtros ou aguarde novas alterações.'}
          />
        }
      />
      <LoadMoreButton pages={logs} />
    </>
  );
}
