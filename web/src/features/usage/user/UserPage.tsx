import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { Badge, Banner, Card, PageHeader } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { formatTokens } from '../format';
import { PLANS } from '../labels';
import { USAGE_PATHS } from '../paths';
import { thresholdsOf, useTenantThresholds } from '../thresholds';
import type { UsageUser } from '../types';
import { UsageBar } from '../UsageBar';
import { UserStatusBadge } from '../UserStatusBadge';
import { EditUserForm } from './EditUserForm';
import { GrantTokens } from './GrantTokens';
import { KeysPanel } from './KeysPanel';
import { UserRecords } from './UserRecords';
import { UserUsage } from './UserUsage';

function BackLink() {
  return (
    <Link to={USAGE_PATHS.users} className="text-sm text-zinc-500 hover:text-zinc-900">
      ← Usuários IA
    </Link>
  );
}

/** One LLM user: this month's usage, the profile, grants, keys, charts and the request history. */
export function UserPage({ userId }: { userId: string }) {
  const user = trpc.usage.users.get.useQuery({ id: userId });
  if (user.isPending) {
    return (
      <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> Carregando usuário…
      </p>
    );
  }
  if (user.isError) {
    return (
      <>
        <BackLink />
        <PageHeader title="Usuário de IA" />
        <Banner>{errorMessage(user.error)}</Banner>
      </>
    );
  }
  return <LoadedUser user={user.data} />;
}

function LoadedUser({ user }: { user: UsageUser }) {
  const canWrite = useCan('usage.users.write');
  const thresholds = thresholdsOf(user, useTenantThresholds());
  return (
    <>
      <BackLink />
      <PageHeader
        title={user.name}
        description={`${user.email} · plano ${PLANS[user.plan]}${user.isSystem ? ' · usuário do sistema' : ''}`}
        actions={canWrite && <UserActions user={user} />}
      />
      <Card>
        <div className="flex flex-col gap-5 lg:flex-row lg:items-center lg:justify-between" data-testid="user-usage">
          <div className="space-y-2">
            <UserStatusBadge user={user} />
            <UsageBar
              size="md"
              label={`Uso de ${user.name}`}
              percent={user.usagePercent}
              used={user.currentUsage}
              allowance={user.allowance}
              thresholds={thresholds}
            />
            <p className="flex flex-wrap gap-1.5 text-xs">
              {user.alert80Sent && <Badge tone="amber">alerta de {thresholds.warning}% enviado</Badge>}
              {user.alert95Sent && <Badge tone="red">alerta de {thresholds.danger}% enviado</Badge>}
            </p>
          </div>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
            <Fact label="Limite mensal" value={`${formatTokens(user.monthlyLimit)} tokens`} />
            <Fact label="Tokens concedidos disponíveis" value={formatTokens(user.additionalTokens)} />
            <Fact label="Reservados agora" value={formatTokens(user.reservedTokens)} />
            <Fact label="Pedidos no mês" value={formatTokens(user.loginCount)} />
            <Fact label="Mês" value={user.period} />
            <Fact label="Último uso" value={formatRelative(user.lastLogin)} />
          </dl>
        </div>
      </Card>
      <div className="grid gap-6 xl:grid-cols-2 xl:items-start">
        {canWrite && <EditUserForm user={user} />}
        <GrantTokens user={user} canWrite={canWrite} />
      </div>
      {!user.isSystem && <KeysPanel userId={user.id} canWrite={canWrite} />}
      <UserUsage userId={user.id} />
      <UserRecords userId={user.id} />
    </>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="font-medium text-zinc-900 tabular-nums">{value}</dd>
    </div>
  );
}

/** Lifting this month's block (the admin's unblock) and zeroing the month's usage, each asked first. */
function UserActions({ user }: { user: UsageUser }) {
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const onSuccess = (saved: UsageUser) => {
    utils.usage.users.get.setData({ id: saved.id }, saved);
    void utils.usage.users.list.invalidate();
  };
  const unblock = trpc.usage.users.unblock.useMutation({ onSuccess });
  const reset = trpc.usage.users.resetUsage.useMutation({ onSuccess });
  return (
    <>
      {user.blockedForPeriod && user.accountStatus === 'active' && (
        <ConfirmButton
          label="Desbloquear no mês"
          tone="primary"
          title={`Desbloquear ${user.name}?`}
          message="O bloqueio deste mês sai; o consumo continua o mesmo, e o usuário volta a ser bloqueado se passar do limite."
          confirmLabel="Desbloquear"
          onConfirm={() => feedback(() => unblock.mutateAsync({ id: user.id }), `${user.name} desbloqueado`)}
        />
      )}
      <ConfirmButton
        label="Zerar consumo"
        title={`Zerar o consumo de ${user.name}?`}
        message="O consumo deste mês volta a zero, o bloqueio sai e os alertas de 80% e 95% voltam a valer. Os registros de uso continuam guardados."
        confirmLabel="Zerar consumo"
        onConfirm={() => feedback(() => reset.mutateAsync({ id: user.id }), `Consumo de ${user.name} zerado`)}
      />
    </>
  );
}
