import { useState } from 'react';
import { useCan } from '../../app/providers';
import { PageHeader, WithSideColumn } from '../../ui/Layout';
import { CreateRoleForm } from './CreateRoleForm';
import { CreateUserForm } from './CreateUserForm';
import { InvitationDialog, type IssuedInvitation } from './InvitationDialog';
import { RolesPanel } from './RolesPanel';
import { UsersPanel } from './UsersPanel';

export function UsersPage() {
  const canWriteUsers = useCan('identity.users.write');
  const canReadRoles = useCan('identity.roles.read');
  const canWriteRoles = useCan('identity.roles.write');
  // A new invitation's link, from the form or from "Gerar novo convite"; gone once the dialog closes.
  const [invitation, setInvitation] = useState<IssuedInvitation | null>(null);
  return (
    <>
      <PageHeader title="Usuários e papéis" description="Quem entra no painel da sua empresa e o que cada papel pode fazer." />
      <WithSideColumn
        main={<UsersPanel onInvited={setInvitation} />}
        side={canWriteUsers && canReadRoles && <CreateUserForm onInvited={setInvitation} />}
      />
      {canReadRoles && <WithSideColumn main={<RolesPanel />} side={canWriteRoles && <CreateRoleForm />} />}
      {invitation && <InvitationDialog issued={invitation} onClose={() => setInvitation(null)} />}
    </>
  );
}
