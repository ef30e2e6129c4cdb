import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { CheckboxField } from '../../../ui/CheckboxField';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { PLANS, USER_STATUSES } from '../labels';
import type { Plan, UsageUser, UserStatus } from '../types';

const FIELDS = [
  'email',
  'name',
  'phone',
  'plan',
  'monthlyLimit',
  'status',
  'notes',
  'customAlertThreshold80',
  'customAlertThreshold95',
  'emailNotificationsEnabled',
];

const valuesOf = (user: UsageUser) => ({
  email: user.email,
  name: user.name,
  phone: user.phone ?? '',
  plan: user.plan as Plan,
  monthlyLimit: String(user.monthlyLimit),
  status: user.accountStatus as UserStatus,
  notes: user.notes,
  threshold80: user.customAlertThreshold80 === null ? '' : String(user.customAlertThreshold80),
  threshold95: user.customAlertThreshold95 === null ? '' : String(user.customAlertThreshold95),
  emailNotificationsEnabled: user.emailNotificationsEnabled,
});

const optional = (text: string) => (text.trim() === '' ? null : wholeNumber(text));

/**
 * The user's profile and limits. Only what changed is sent for the e-mail, plan, limit and status:
 * a new plan with the limit untouched takes the plan's limit; this month's block lifts with
 * "Desbloquear no mês" (usage.users.unblock), or when an admin sets a blocked account active.
 */
export function EditUserForm({ user }: { user: UsageUser }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(user));
  const numbers = useNumberChecks();
  const update = trpc.usage.users.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`Usuário ${saved.name} salvo`);
      form.replace(valuesOf(saved));
      utils.usage.users.get.setData({ id: saved.id }, saved);
      void utils.usage.users.list.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const values = form.values;
  const submit = () => {
    const monthlyLimit = wholeNumber(values.monthlyLimit);
    const customAlertThreshold80 = optional(values.threshold80);
    const customAlertThreshold95 = optional(values.threshold95);
    const typed: Record<string, number> = { monthlyLimit };
    if (customAlertThreshold80 !== null) typed.customAlertThreshold80 = customAlertThreshold80;
    if (customAlertThreshold95 !== null) typed.customAlertThreshold95 = customAlertThreshold95;
    if (!numbers.allValid(typed, { monthlyLimit: 'Limite mensal: informe um número inteiro de tokens' })) return;
    const email = values.email.trim();
    update.mutate({
      id: user.id,
      name: values.name.trim(),
      phone: values.phone.trim() || null,
      notes: values.notes,
      customAlertThreshold80,
      customAlertThreshold95,
      emailNotificationsEnabled: values.emailNotificationsEnabled,
      ...(email !== user.email ? { email } : {}),
      ...(values.plan !== user.plan ? { plan: values.plan } : {}),
      ...(monthlyLimit !== user.monthlyLimit ? { monthlyLimit } : {}),
      ...(values.status !== user.accountStatus ? { status: values.status } : {}),
    });
  };
  return (
    <MutationFormCard
      title="Editar usuário"
      submitLabel="Salvar usuário"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      testId="usage-user-edit-form"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
        <TextField label="E-mail" type="email" autoComplete="off" disabled={user.isSystem} {...form.bind('email')} error={errors.email} />
        <TextField label="Telefone" type="tel" autoComplete="off" {...form.bind('phone')} error={errors.phone} />
        <SelectField
          label="Situação"
          disabled={user.isSystem}
          options={Object.entries(USER_STATUSES).map(([value, status]) => ({ value, label: status.label }))}
          {...form.bind('status')}
          error={errors.status}
        />
        <SelectField
          label="Plano"
          options={Object.entries(PLANS).map(([value, label]) => ({ value, label }))}
          {...form.bind('plan')}
          error={errors.plan}
        />
        <TextField
          label="Limite mensal (tokens)"
          type="number"
          min={0}
          inputMode="numeric"
          {...form.bind('monthlyLimit')}
          error={errors.monthlyLimit}
          hint="Mudando só o plano, vale o limite do plano."
        />
        <TextField
          label="Primeiro alerta (%)"
          type="number"
          min={1}
          max={100}
          inputMode="numeric"
          {...form.bind('threshold80')}
          error={errors.customAlertThreshold80}
          hint="Em branco, o da empresa."
        />
        <TextField
          label="Segundo alerta (%)"
          type="number"
          min={1}
          max={100}
          inputMode="numeric"
          {...form.bind('threshold95')}
          error={errors.customAlertThreshold95}
          hint="Em branco, o da empresa."
        />
      </div>
      <CheckboxField
        label="Avisar o usuário por e-mail"
        description="Os alertas de consumo também vão para o e-mail dele."
        checked={values.emailNotificationsEnabled}
        onChange={(checked) => form.set('emailNotificationsEnabled', checked)}
      />
      <TextAreaField
        label="Observações"
        value={values.notes}
        onChange={(event) => form.set('notes', event.target.value)}
        error={errors.notes}
      />
    </MutationFormCard>
  );
}
