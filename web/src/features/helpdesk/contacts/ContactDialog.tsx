import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { FormDialog } from '../../../ui/FormDialog';
import { parseTags } from '../tags';
import { TextAreaField } from '../../../ui/TextAreaField';
import type { Contact } from './types';

const FIELDS = ['name', 'phone', 'email', 'tags', 'notes'];

export function ContactDialog({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({
    name: contact.name,
    phone: contact.phone,
    email: contact.email ?? '',
    tags: contact.tags.join(', '),
    notes: contact.notes,
  });
  const update = trpc.helpdesk.contacts.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`Contato ${saved.name} salvo`);
      void utils.helpdesk.contacts.list.invalidate();
      void utils.helpdesk.tickets.list.invalidate();
      onClose();
    },
  });
  const errors = fieldErrorsOf(update.error);
  const { name, phone, email, tags, notes } = form.values;
  const submit = () => update.mutate({ id: contact.id, name, phone, email: email.trim() || null, tags: parseTags(tags), notes });
  return (
    <FormDialog
      title={`Editar ${contact.name}`}
      submitLabel="Salvar contato"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      onClose={onClose}
      testId="contact-dialog"
    >
      <TextField label="Nome" {...form.bind('name')} error={errors.name} />
      <TextField label="Telefone" type="tel" {...form.bind('phone')} error={errors.phone} hint="Com DDI e DDD; vira +55… ao salvar." />
      <TextField label="E-mail" type="email" {...form.bind('email')} error={errors.email} />
      <TextField label="Etiquetas" placeholder="vip, atacado" {...form.bind('tags')} error={errors.tags} hint="Separadas por vírgula." />
      <TextAreaField label="Observações" value={notes} onChange={(event) => form.set('notes', event.target.value)} error={errors.notes} />
    </FormDialog>
  );
}
