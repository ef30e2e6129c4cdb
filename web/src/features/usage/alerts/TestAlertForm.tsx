import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { SelectField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { ALERT_TYPES } from '../labels';
import type { AlertType } from '../types';

const FIELDS = ['userId', 'type'];

/** A test alert for a user: stored, shown and mailed like a real one, marked as a test; no limit changes. */
export function TestAlertForm({ userOptions }: { userOptions: { value: string; label: string }[] }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ userId: '', type: 'usage_80' as AlertType });
  const test = trpc.usage.alerts.test.useMutation({
    onSuccess: (alert) => {
      toast.success(`Alerta de teste enviado${alert.emailTo ? ` para ${alert.emailTo}` : ''}`);
      void utils.usage.alerts.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(test.error);
  return (
    <MutationFormCard
      title="Enviar alerta de teste"
      description="Confere o caminho do alerta até o e-mail do usuário, sem mudar nenhum limite."
      submitLabel="Enviar alerta de teste"
      mutation={test}
      fields={FIELDS}
      onSubmit={() => test.mutate({ userId: form.values.userId, type: form.values.type })}
      testId="usage-test-alert-form"
    >
      <SelectField
        label="Usuário do teste"
        options={[{ value: '', label: 'Escolha o usuário' }, ...userOptions]}
        {...form.bind('userId')}
        error={errors.userId}
      />
      <SelectField
        label="Tipo do teste"
        options={Object.entries(ALERT_TYPES).map(([value, label]) => ({ value, label }))}
        {...form.bind('type')}
        error={errors.type}
      />
    </MutationFormCard>
  );
}
