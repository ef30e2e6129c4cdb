import { useMe } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { SelectField, TextField } from '../../ui/Field';
import { FormCard } from '../../ui/FormCard';
import { useToast } from '../../ui/Toast';
import { useFormValues } from '../../ui/useFormValues';
import { canGrant } from './grants';

const EMPTY = { name: '', email: '', password: '', role: '' };
const FIELDS = Object.keys(EMPTY);

export function CreateUserForm() {
  const toast = useToast();
  const utils = trpc.useUtils();
  const roles = trpc.roles.list.useQuery();
  const form = useFormValues(EMPTY);
  const create = trpc.users.create.useMutation({
    onSuccess: (user) => {
      toast.success(`${user.name} foi adicionado(a)`);
      form.reset();
      void utils.users.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const mine = useMe().user.permissions;
  const roleOptions = [
    { value: '', label: 'Escolha um papel…' },
    ...(roles.data ?? []).map((role) => ({ value: role.key, label: role.name, disabled: !canGrant(role, mine) })),
  ];
  return (
    <FormCard
      title="Novo usuário"
      description="A pessoa entra com este e-mail e senha."
      submitLabel="Criar usuário"
      busy={create.isPending}
      error={formErrorOf(create.error, FIELDS)}
      onSubmit={() => create.mutate(form.values)}
      testId="create-user-form"
    >
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="E-mail" type="email" autoComplete="off" {...form.bind('email')} error={errors.email} />
      <TextField label="Senha inicial" type="password" autoComplete="new-password" {...form.bind('password')} error={errors.password} />
      <SelectField label="Papel" options={roleOptions} {...form.bind('role')} error={errors.role} />
    </FormCard>
  );
}
