import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { CheckboxField } from '../../../ui/CheckboxField';
import type { Client } from '../labels';

const FIELDS = ['name', 'phone', 'email', 'birthday', 'notes', 'optedOut'];

const valuesOf = (client: Client | null) => ({
  name: client?.name ?? '',
  phone: client?.phone ?? '',
  email: client?.email ?? '',
  birthday: client?.birthday ?? '',
  notes: client?.notes ?? '',
  optedOut: client?.optedOut ?? false,
});

/** Registers a client, or edits the one picked in the table (the page remounts it per client). */
export function ClientForm({ client, onDone }: { client: Client | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(client));
  const onSuccess = (saved: Client) => {
    toast.success(client ? `Cliente ${saved.name} salvo` : `Cliente ${saved.name} cadastrado`);
    form.reset();
    onDone();
    void utils.agenda.clients.list.invalidate();
  };
  const create = trpc.agenda.clients.create.useMutation({ onSuccess });
  const update = trpc.agenda.clients.update.useMutation({ onSuccess });
  const current = client ? update : create;
  const errors = fieldErrorsOf(current.error);
  const { name, phone, email, birthday, notes, optedOut } = form.values;
  const input = { name, phone, email: email.trim() || null, birthday: birthday || null, notes };
  return (
    <MutationFormCard
      title={client ? `Editar ${client.name}` : 'Novo cliente'}
      submitLabel={client ? 'Salvar cliente' : 'Cadastrar cliente'}
      mutation={current}
      fields={FIELDS}
      onSubmit={() => (client ? update.mutate({ id: client.id, ...input, optedOut }) : create.mutate(input))}
      testId="client-form"
    >
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField
        label="Telefone"
        type="tel"
        placeholder="11 98765-4321"
        {...form.bind('phone')}
        error={errors.phone}
        hint="Com DDD; vira +55… ao salvar."
      />
      <TextField label="E-mail" type="email" {...form.bind('email')} error={errors.email} />
      <TextField label="Aniversário" type="date" {...form.bind('birthday')} error={errors.birthday} />
      <TextAreaField label="Observações" value={notes} onChange={(event) => form.set('notes', event.target.value)} error={errors.notes} />
      {client && (
        <CheckboxField
          label="Não receber mensagens"
          description="Campanhas e ofertas deixam este cliente de fora (ele pediu para sair)."
          checked={optedOut}
          onChange={(checked) => form.set('optedOut', checked)}
        />
      )}
      {client && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
