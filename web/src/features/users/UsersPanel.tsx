import { useCan, useMe } from '../../app/providers';
import { formatRelative } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { DataTable, type Column } from '../../ui/DataTable';
import { ConfirmButton } from '../../ui/Dialog';
import { Badge, EmptyState, Panel } from '../../ui/Layout';
import { useActionFeedback } from '../../ui/Toast';
import { canGrant } from './grants';
import type { IssuedInvitation } from './InvitationDialog';

type User = RouterOutputs['users']['list'][number];

export function UsersPanel({ onInvited }: { onInvited: (invitation: IssuedInvitation) => void }) {
  const me = useMe();
  const canWrite = useCan('identity.users.write');
  const canReadRoles = useCan('identity.roles.read');
  const users = trpc.users.list.useQuery();
  const roles = trpc.roles.list.useQuery(undefined, { enabled: canReadRoles });
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const update = trpc.users.update.useMutation({ onSettled: () => utils.users.list.invalidate() });
  const deactivate = trpc.users.deactivate.useMutation({ onSettled: () => utils.users.list.invalidate() });
  const reactivate = trpc.users.reactivate.useMutation({ onSettled: () => utils.users.list.invalidate() });
  const reissue = trpc.users.reissueInvite.useMutation({ onSuccess: onInvited, onSettled: () => utils.users.list.invalidate() });
  const roleOf = (key: string) => roles.data?.find((role) => role.key === key);
  const roleName = (key: string) => roleOf(key)?.name ?? key;
  // Users whose role holds more than mine are out of my reach (the server refuses to change them).
  const canManage = (user: User) =>
    canWrite && user.id !== me.user.id && canGrant(roleOf(user.role) ?? { permissions: [] }, me.user.permissions);

  const changeRole = (user: User, role: string) =>
    feedback(() => update.mutateAsync({ id: user.id, role }), `${user.name} agora é ${roleName(role)}`).catch(() => undefined);

  const columns: Column<User>[] = [
    {
      header: 'Nome',
      cell: (user) => (
        <div className="min-w-32">
          <p className="font-medium text-zinc-900">{user.name}</p>
          <p className="text-xs wrap-anywhere text-zinc-500">{user.email}</p>
        </div>
      ),
    },
    {
      header: 'Papel',
      cell: (user) =>
        roles.data && canManage(user) ? (
          <select
            aria-label={`Papel de ${user.name}`}
            value={user.role}
            disabled={update.isPending}
            onChange={(event) => void changeRole(user, event.target.value)}
            className="rounded-md border border-zinc-300 bg-white py-1 pr-7 pl-2 text-sm"
          >
            {roles.data.map((role) => (
              <option key={role.key} value={role.key} disabled={!canGrant(role, me.user.permissions)}>
                {role.name}
              </option>
            ))}
          </select>
        ) : (
          roleName(user.role)
        ),
    },
    { header: 'Situação', cell: (user) => <StatusBadge user={user} /> },
    { header: 'Último acesso', cell: (user) => <span className="whitespace-nowrap">{formatRelative(user.lastLoginAt)}</span> },
    {
      header: 'Ações',
      className: 'text-right',
      cell: (user) => {
        if (user.id === me.user.id) return <Badge tone="blue">Você</Badge>;
        if (!canManage(user)) return null;
        return (
          <div className="flex flex-col items-end gap-1.5">
            {user.invitationPending && user.active && (
              <ConfirmButton
                label="Gerar novo convite"
                title={`Gerar novo convite para ${user.name}?`}
                message="Você recebe um novo link para enviar; o link anterior deixa de funcionar."
                confirmLabel="Gerar convite"
                tone="primary"
                onConfirm={() => feedback(() => reissue.mutateAsync({ id: user.id }), `Novo convite gerado para ${user.name}`)}
              />
            )}
            {user.active ? (
              <ConfirmButton
                label="Desativar"
                title={`Desativar ${user.name}?`}
                message="A pessoa perde o acesso na hora: as sessões abertas são encerradas. Você pode reativá-la depois."
                confirmLabel="Desativar"
                onConfirm={() => feedback(() => deactivate.mutateAsync({ id: user.id }), `${user.name} foi desativado(a)`)}
              />
            ) : (
              <ConfirmButton
                label="Reativar"
                title={`Reativar ${user.name}?`}
                message={
                  user.invitationPending
                    ? 'O convite volta a valer, se ainda estiver no prazo.'
                    : 'A pessoa volta a poder entrar com a senha que já tinha.'
                }
                confirmLabel="Reativar"
                tone="primary"
                onConfirm={() => feedback(() => reactivate.mutateAsync({ id: user.id }), `${user.name} foi reativado(a)`)}
              />
            )}
          </div>
        );
      },
    },
  ];

  return (
    <Panel title="Usuários" description={users.data ? `${users.data.length} pessoa(s)` : undefined}>
      <DataTable
        label="Usuários"
        testId="users-table"
        columns={columns}
        rows={users.data}
        rowKey={(user) => user.id}
        loading={users.isPending}
        empty={<EmptyState title={users.isError ? 'Não foi possível carregar os usuários' : 'Nenhum usuário ainda'} />}
      />
    </Panel>
  );
}

/** Invited people count as active, but have not come in yet: that is what the owner needs to see. */
function StatusBadge({ user }: { user: User }) {
  if (!user.active) return <Badge tone="zinc">Inativo</Badge>;
  if (user.invitationPending) return <Badge tone="amber">Convite pendente</Badge>;
  return <Badge tone="green">Ativo</Badge>;
}
