import { useCan } from '../../app/providers';
import { PageHeader, WithSideColumn } from '../../ui/Layout';
import { CreateRoleForm } from './CreateRoleForm';
import { CreateUserForm } from './CreateUserForm';
import { RolesPanel } from './RolesPanel';
import { UsersPanel } from './UsersPanel';

export function UsersPage() {
  const canWriteUsers = useCan('identity.users.write');
  const canReadRoles = useCan('identity.roles.read');
  const canWriteRoles = useCan('identity.roles.write');
  return (
    <>
      <PageHeader title="Usuários e papéis" description="Quem entra no painel da sua empresa e o que cada papel pode fazer." />
      <WithSideColumn main={<UsersPanel />} side={canWriteUsers && canReadRoles && <CreateUserForm />} />
      {canReadRoles && <WithSideColumn main={<RolesPanel />} side={canWriteRoles && <CreateRoleForm />} />}
    </>
  );
}
