import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCan } from '../../../app/providers';
import { formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { PLANS } from '../labels';
import { useUsageLiveQueries } from '../liveEvents';
import { Pager } from '../Pager';
import { usageUserPath } from '../paths';
import { thresholdsOf, useTenantThresholds } from '../thresholds';
import type { UsageUser } from '../types';
import { UsageBar } from '../UsageBar';
import { UserPage } from '../user/UserPage';
import { UserStatusBadge } from '../UserStatusBadge';
import { CreateUserForm } from './CreateUserForm';
import { LiveAlerts } from './LiveAlerts';
import { NO_USER_FILTERS, toUserFilters, UserFilters, type UserFilterValues } from './UserFilters';

const FILTER_DEBOUNCE_MS = 300;
const PAGE_SIZE = 20;

/** /uso-ia/usuarios lists the LLM users; /uso-ia/usuarios/<id> opens one of them. */
export function UsersPage() {
  useUsageLiveQueries();
  const userId = useParams()['*'] || null;
  return userId ? <UserPage key={userId} userId={userId} /> : <UsersList />;
}

function UsersList() {
  const canWrite = useCan('usage.users.write');
  const thresholds = useTenantThresholds();
  const [filterValues, setFilterValues] = useState<UserFilterValues>(NO_USER_FILTERS);
  const [page, setPage] = useState(1);
  const settled = useDebouncedValue(filterValues, FILTER_DEBOUNCE_MS);
  const filters = useMemo(() => toUserFilters(settled), [settled]);
  const users = trpc.usage.users.list.useQuery({ ...filters, page, limit: PAGE_SIZE }, { placeholderData: (previous) => previous });
  const changeFilters = (values: UserFilterValues) => {
    setFilterValues(values);
    setPage(1);
  };

  const columns: Column<UsageUser>[] = [
    {
      header: 'Usuário',
      cell: (user) => (
        <div className="min-w-40">
          <Link to={usageUserPath(user.id)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
            {user.name}
          </Link>
          {user.isSystem && (
            <span className="ml-1.5">
              <Badge>sistema</Badge>
            </span>
          )}
          <p className="text-xs wrap-anywhere text-zinc-500">{user.email}</p>
        </div>
      ),
    },
    { header: 'Plano', cell: (user) => PLANS[user.plan] },
    { header: 'Situação', cell: (user) => <UserStatusBadge user={user} /> },
    {
      header: 'Uso do mês',
      cell: (user) => (
        <UsageBar
          label={`Uso de ${user.name}`}
          percent={user.usagePercent}
          used={user.currentUsage}
          allowance={user.allowance}
          thresholds={thresholdsOf(user, thresholds)}
        />
      ),
    },
    { header: 'Último uso', cell: (user) => <span className="whitespace-nowrap">{formatRelative(user.lastLogin)}</span> },
  ];

  return (
    <>
      <PageHeader
        title="Usuários IA"
        description="Quem usa os modelos de IA pelo proxy, com o plano e o limite mensal de tokens. O consumo aparece aqui sem recarregar a página."
      />
      <LiveAlerts />
      <UserFilters values={filterValues} onChange={changeFilters} />
      <WithSideColumn
        main={
          <Panel title="Usuários">
            <DataTable
              label="Usuários IA"
              testId="usage-users-table"
              columns={columns}
              rows={users.data?.items}
              rowKey={(user) => user.id}
              loading={users.isPending}
              empty={<EmptyOrError query={users} title="Nenhum usuário encontrado" hint="Crie um usuário ou ajuste os filtros." />}
            />
            <Pager pagination={users.data?.pagination} noun="usuários" onPage={setPage} />
          </Panel>
        }
        side={canWrite && <CreateUserForm />}
      />
    </>
  );
}
