import { trpc, type RouterOutputs } from '../../lib/trpc';
import { DataTable, type Column } from '../../ui/DataTable';
import { Badge, EmptyState, Panel } from '../../ui/Layout';

type Role = RouterOutputs['roles']['list'][number];

const columns: Column<Role>[] = [
  {
    header: 'Papel',
    cell: (role) => (
      <div className="min-w-40">
        <p className="flex items-center gap-2 font-medium text-zinc-900">
          {role.name} {role.builtin ? <Badge>Padrão</Badge> : <Badge tone="blue">Personalizado</Badge>}
        </p>
        <p className="font-mono text-xs text-zinc-500">{role.key}</p>
        {role.description && <p className="mt-1 text-xs text-zinc-500">{role.description}</p>}
      </div>
    ),
  },
  {
    header: 'Permissões',
    cell: (role) =>
      role.permissions.length === 0 ? (
        <span className="text-xs text-zinc-400">Nenhuma permissão da plataforma</span>
      ) : (
        <ul className="flex flex-wrap gap-1" aria-label={`Permissões de ${role.name}`}>
          {role.permissions.map((permission) => (
            <li key={permission} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700">
              {permission}
            </li>
          ))}
        </ul>
      ),
  },
];

export function RolesPanel() {
  const roles = trpc.roles.list.useQuery();
  return (
    <Panel title="Papéis" description="Os papéis padrão acompanham o sistema; crie papéis personalizados para casos específicos.">
      <DataTable
        label="Papéis"
        testId="roles-table"
        columns={columns}
        rows={roles.data}
        rowKey={(role) => role.id}
        loading={roles.isPending}
        empty={<EmptyState title="Nenhum papel" />}
      />
    </Panel>
  );
}
