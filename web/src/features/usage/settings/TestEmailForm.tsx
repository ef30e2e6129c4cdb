import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';

/** Sends a message through the saved SMTP settings; the server's refusal shows here. */
export function TestEmailForm() {
  const toast = useToast();
  const [email, setEmail] = useState('');
  const send = trpc.usage.settings.testEmail.useMutation({ onSuccess: (sent) => toast.success(`E-mail de teste enviado para ${sent.to}`) });
  return (
    <MutationFormCard
      title="Enviar e-mail de teste"
      description="Usa as configurações de e-mail salvas: salve antes de testar."
      submitLabel="Enviar e-mail de teste"
      mutation={send}
      fields={['email']}
      onSubmit={() => send.mutate({ email: email.trim() })}
      testId="usage-test-email-form"
    >
      <TextField
        label="E-mail para o teste"
        type="email"
        autoComplete="off"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={fieldErrorsOf(send.error).email}
      />
    </MutationFormCard>
  );
}
