import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import type { QuickReply } from '../labels';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { QuickReplyVariables } from './QuickReplyVariables';

const FIELDS = ['shortcut', 'text'];

/** Creates a quick reply, or edits the one picked in the table (the page remounts it per reply). */
export function QuickReplyForm({ reply, onDone }: { reply: QuickReply | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ shortcut: reply?.shortcut ?? '', text: reply?.text ?? '' });
  const onSuccess = (saved: QuickReply) => {
    toast.success(reply ? `Resposta /${saved.shortcut} salva` : `Resposta /${saved.shortcut} criada`);
    form.reset();
    onDone();
    void utils.helpdesk.quickReplies.list.invalidate();
  };
  const create = trpc.helpdesk.quickReplies.create.useMutation({ onSuccess });
  const update = trpc.helpdesk.quickReplies.update.useMutation({ onSuccess });
  const current = reply ? update : create;
  const errors = fieldErrorsOf(current.error);
  const { shortcut, text } = form.values;
  // Typed with or without the slash: the server keeps the word.
  const input = { shortcut: shortcut.trim().replace(/^\//, ''), text };
  const appendToText = (placeholder: string) =>
    form.set('text', text && !/\s$/.test(text) ? `${text} ${placeholder}` : `${text}${placeholder}`);
  return (
    <MutationFormCard
      title={reply ? `Editar /${reply.shortcut}` : 'Nova resposta rápida'}
      description="Na conversa, digite / e o atalho para usar a resposta."
      submitLabel={reply ? 'Salvar resposta' : 'Criar resposta'}
      mutation={current}
      fields={FIELDS}
      onSubmit={() => (reply ? update.mutate({ id: reply.id, ...input }) : create.mutate(input))}
      testId="quick-reply-form"
    >
      <TextField
        label="Atalho"
        placeholder="saudacao"
        autoComplete="off"
        {...form.bind('shortcut')}
        error={errors.shortcut}
        hint="Letras minúsculas, números, _ e -."
      />
      <TextAreaField
        label="Texto"
        rows={5}
        placeholder="Olá, {{contact.firstName}}! Aqui é {{agent.firstName}}."
        value={text}
        onChange={(event) => form.set('text', event.target.value)}
        error={errors.text}
      />
      <QuickReplyVariables onInsert={appendToText} />
      {reply && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
