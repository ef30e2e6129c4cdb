import { heldPermissionOptions } from '../../lib/permissionOptions';
import { useMe } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { CheckboxGroup, TextField } from '../../ui/Field';
import { FormCard } from '../../ui/FormCard';
import { useToast } from '../../ui/Toast';
import { useFormValues } from '../../ui/useFormValues';

const EMPTY = { key: '', name: '', description: '', permissions: [] as string[] };
const FIELDS = Object.keys(EMPTY);

export function CreateRoleForm() {
  const toast = useToast();
  const utils = trpc.useUtils();
  const catalogue = trpc.roles.permissions.useQuery();
  const form = useFormValues(EMPTY);
  const create = trpc.roles.create.useMutation({
    onSuccess: (role) => {
      toast.success(`Papel ${role.name} criado`);
      form.reset();
      void utils.roles.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const mine = useMe().user.permissions;
  const { description, ...required } = form.values;
  return (
    <FormCard
      title="Novo papel"
      submitLabel="Criar papel"
      busy={create.isPending}
      error={formErrorOf(create.error, FIELDS)}
      onSubmit={() => create.mutate(description.trim() ? form.values : required)}
      testId="create-role-form"
    >
      <TextField label="Nome" {...form.bind('name')} error={errors.name} />
      <TextField label="Chave" placeholder="recepcao" hint="Letras minúsculas, números, _ e -." {...form.bind('key')} error={errors.key} />
      <TextField label="Descrição (opcional)" {...form.bind('description')} error={errors.description} />
      <CheckboxGroup
        legend="Permissões"
        options={heldPermissionOptions(catalogue.data ?? [], new Set(mine))}
        selected={form.values.permissions}
        onChange={(permissions) => form.set('permissions', permissions)}
        error={errors.permissions}
      />
    </FormCard>
  );
}
