import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField } from '../../../ui/Field';
import { Badge, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useActionFeedback } from '../../../ui/Toast';
import { Link } from 'react-router';
import { useFormatInstant } from '../dates';
import { ALERT_STATUSES, ALERT_TYPES, optionsOf, SEVERITIES } from '../labels';
import { useUsageLiveQueries } from '../liveEvents';
import { Pager } from '../Pager';
import { usageUserPath } from '../paths';
import type { AlertStatus, AlertType, UsageAlert } from '../types';
import { TestAlertForm } from './TestAlertForm';
import { useUserOptions } from './userOptions';

const PAGE_SIZE = 20;

interface AlertFilters {
  type: '' | AlertType;
  status: '' | AlertStatus;
  userId: string;
}

const NO_FILTERS: AlertFilters = { type: '', status: '', userId: '' };

/** The usage alerts (80 %, 95 %, blocked, tests), newest first; new ones arrive live. */
export function AlertsPage() {
  useUsageLiveQueries();
  const canWrite = useCan('usage.alerts.write');
  const feedback = useActionFeedback();
  const formatInstant = useFormatInstant();
  const userOptions = useUserOptions();
  const utils = trpc.useUtils();
  const [filters, setFilters] = useState<AlertFilters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const alerts = trpc.usage.alerts.list.useQuery(
    {
      page,
      limit: PAGE_SIZE,
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.userId ? { userId: filters.userId } : {}),
    },
    { placeholderData: (previous) => previous },
  );
  const acknowledge = trpc.usage.alerts.acknowledge.useMutation({ onSettled: () => utils.usage.alerts.list.invalidate() });
  const setFilter = <K extends keyof AlertFilters>(key: K, value: AlertFilters[K]) => {
    setFilters({ ...filters, [key]: value });
    setPage(1);
  };

  const columns: Column<UsageAlert>[] = [
    { header: 'Quando', cell: (alert) => <span className="whitespace-nowrap">{formatInstant(alert.createdAt)}</span> },
    {
      header: 'Usuário',
      cell: (alert) =>
        alert.userId ? (
          <Link to={usageUserPath(alert.userId)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
            {alert.userName ?? 'Usuário removido'}
          </Link>
        ) : (
          <span className="text-zinc-500">Sistema</span>
        ),
    },
    {
      header: 'Alerta',
      cell: (alert) => (
        <div className="max-w-md space-y-1" data-testid="alert-row" data-type={alert.type}>
          <p className="flex flex-wrap items-center gap-1.5">
            <Badge tone={SEVERITIES[alert.severity].tone}>{SEVERITIES[alert.severity].label}</Badge>
            <span className="font-medium text-zinc-900">{alert.title}</span>
            {alert.isTest && <Badge tone="blue">teste</Badge>}
          </p>
          <p className="text-xs text-zinc-500">
            {ALERT_TYPES[alert.type]} · {alert.message}
          </p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (alert) => (
        <div className="space-y-0.5">
          <Badge tone={ALERT_STATUSES[alert.status].tone}>{ALERT_STATUSES[alert.status].label}</Badge>
          {alert.acknowledgedBy && <p className="text-xs text-zinc-500">por {alert.acknowledgedBy}</p>}
          {alert.emailTo && alert.status !== 'acknowledged' && <p className="text-xs text-zinc-500">e-mail para {alert.emailTo}</p>}
          {alert.emailError && <p className="text-xs text-red-600">{alert.emailError}</p>}
        </div>
      ),
    },
    ...(canWrite
      ? [
          {
            header: 'Ações',
            className: 'text-right',
            cell: (alert: UsageAlert) =>
              alert.status === 'acknowledged' ? null : (
                <Button
                  size="sm"
                  aria-label={`Reconhecer ${alert.title}`}
                  onClick={() =>
                    void feedback(() => acknowledge.mutateAsync({ id: alert.id }), 'Alerta reconhecido').catch(() => undefined)
                  }
                >
                  Reconhecer
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="Alertas"
        description="Avisos de consumo (80%, 95% e bloqueio) de cada usuário, uma vez por mês cada, e os de teste."
      />
      <form
        aria-label="Filtros de alertas"
        className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-3"
        onSubmit={(event) => event.preventDefault()}
      >
        <SelectField
          label="Tipo"
          options={optionsOf(ALERT_TYPES, 'Todos')}
          value={filters.type}
          onChange={(event) => setFilter('type', event.target.value as AlertFilters['type'])}
        />
        <SelectField
          label="Situação do alerta"
          options={optionsOf(ALERT_STATUSES, 'Todas')}
          value={filters.status}
          onChange={(event) => setFilter('status', event.target.value as AlertFilters['status'])}
        />
        <SelectField
          label="Usuário"
          options={[{ value: '', label: 'Todos' }, ...userOptions]}
          value={filters.userId}
          onChange={(event) => setFilter('userId', event.target.value)}
        />
      </form>
      <WithSideColumn
        main={
          <Panel title="Alertas de consumo">
            <DataTable
              label="Alertas de consumo"
              testId="usage-alerts-table"
              columns={columns}
              rows={alerts.data?.items}
              rowKey={(alert) => alert.id}
              loading={alerts.isPending}
              empty={
                <EmptyOrError
                  query={alerts}
                  title="Nenhum alerta"
                  hint="Os alertas aparecem aqui assim que um usuário passa de um limite."
                />
              }
            />
            <Pager pagination={alerts.data?.pagination} noun="alertas" onPage={setPage} />
          </Panel>
        }
        side={canWrite && <TestAlertForm userOptions={userOptions} />}
      />
    </>
  );
}
