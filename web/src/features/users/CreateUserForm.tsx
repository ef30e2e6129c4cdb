import { useState } from 'react';
import { useMe } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { RadioGroup, SelectField, TextField } from '../../ui/Field';
import { FormCard } from '../../ui/FormCard';
import { useToast } from '../../ui/Toast';
import { useFormValues } from '../../ui/useFormValues';
import { canGrant } from './grants';
import type { IssuedInvitation } from './InvitationDialog';

type Access = 'invite' | 'password';

const ACCESS_OPTIONS = [
  { value: 'invite', label: 'Convite por link', description: 'A pessoa escolhe a própria senha.' },
  { value: 'password', label: 'Definir senha', description: 'Você escolhe a senha e a passa à pessoa.' },
] as const;

const EMPTY = { name: '', email: '', password: '', role: '' };
const FIELDS = Object.keys(EMPTY);

/** Adds a user: by default with an invitation link (shown once by the page), or with a password chosen here. */
export function CreateUserForm({ onInvited }: { onInvited: (invitation: IssuedInvitation) => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const roles = trpc.roles.list.useQuery();
  const form = useFormValues(EMPTY);
  const [access, setAccess] = useState<Access>('invite');
  const added = () => {
    form.reset();
    void utils.users.list.invalidate();
  };
  const invite = trpc.users.invite.useMutation({
    onSuccess: (invitation) => {
      added();
      onInvited(invitation);
    },
  });
  const create = trpc.users.create.useMutation({
    onSuccess: (user) => {
      toast.success(`${user.name} foi adicionado(a)`);
      added();
    },
  });
  const current = access === 'invite' ? invite : create;
  const errors = fieldErrorsOf(current.error);
  const mine = useMe().user.permissions;
  const roleOptions = [
    { value: '', label: 'Escolha um papel…' },
    ...(roles.data ?? []).map((role) => ({ value: role.key, label: role.name, disabled: !canGrant(role, mine) })),
  ];
  const submit = () => {
    const { password, ...person } = form.values;
    if (access === 'invite') invite.mutate(person);
    else create.mutate({ ...person, password });
  };
  return (
    <FormCard
      title="Novo usuário"
      description={access === 'invite' ? 'Você recebe um link para enviar à pessoa.' : 'A pessoa entra com este e-mail e senha.'}
      submitLabel={access === 'invite' ? 'Convidar' : 'Criar usuário'}
      busy={current.isPending}
      error={formErrorOf(current.error, FIELDS)}
      onSubmit={submit}
      testId="create-user-form"
    >
      <RadioGroup legend="Acesso" options={ACCESS_OPTIONS} value={access} onChange={setAccess} />
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="E-mail" type="email" autoComplete="off" {...form.bind('email')} error={errors.email} />
      {access === 'password' && (
        <TextField label="Senha inicial" type="password" autoComplete="new-password" {...form.bind('password')} error={errors.password} />
      )}
      <SelectField label="Papel" options={roleOptions} {...form.bind('role')} error={errors.role} />
    </FormCard>
  );
}
