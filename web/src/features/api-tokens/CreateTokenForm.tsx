import { heldPermissionOptions } from '../../lib/permissionOptions';
import { useMe } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { startOfLocalDay } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { CheckboxGroup, TextField } from '../../ui/Field';
import { FormCard } from '../../ui/FormCard';
import { useFormValues } from '../../ui/useFormValues';

const EMPTY = { name: '', scopes: [] as string[], expiresOn: '' };
const FIELDS = ['name', 'scopes', 'expiresAt'];

export function CreateTokenForm({ onCreated }: { onCreated: (token: RouterOutputs['apiTokens']['create']) => void }) {
  const me = useMe();
  const utils = trpc.useUtils();
  const scopes = trpc.apiTokens.scopes.useQuery();
  const form = useFormValues(EMPTY);
  const create = trpc.apiTokens.create.useMutation({
    onSuccess: (token) => {
      form.reset();
      onCreated(token);
      void utils.apiTokens.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const submit = () => {
    const { name, scopes: chosen, expiresOn } = form.values;
    // The token lasts through the whole chosen day, in the browser's time zone.
    create.mutate({ name, scopes: chosen, ...(expiresOn ? { expiresAt: startOfLocalDay(expiresOn, 1) } : {}) });
  };
  const held = new Set(me.user.permissions);
  return (
    <FormCard
      title="Novo token"
      description="O token recebe só os escopos marcados."
      submitLabel="Criar token"
      busy={create.isPending}
      error={formErrorOf(create.error, FIELDS)}
      onSubmit={submit}
      testId="create-token-form"
    >
      <TextField label="Nome" placeholder="Integração ERP" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <CheckboxGroup
        legend="Escopos"
        options={heldPermissionOptions(scopes.data ?? [], held)}
        selected={form.values.scopes}
        onChange={(next) => form.set('scopes', next)}
        error={errors.scopes}
      />
      <TextField
        label="Válido até (opcional)"
        type="date"
        {...form.bind('expiresOn')}
        error={errors.expiresAt}
        hint="Sem data, vale até ser revogado."
      />
    </FormCard>
  );
}
