import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { formatTokens } from '../format';
import { PLANS } from '../labels';
import type { Plan } from '../types';

const FIELDS = ['email', 'name', 'phone', 'plan', 'monthlyLimit'];
const EMPTY = { email: '', name: '', phone: '', plan: 'basic' as Plan, monthlyLimit: '' };

/** A new LLM user: the monthly limit, when left empty, is the plan's. */
export function CreateUserForm() {
  const toast = useToast();
  const utils = trpc.useUtils();
  const settings = trpc.usage.settings.get.useQuery();
  const form = useFormValues(EMPTY);
  const numbers = useNumberChecks();
  const create = trpc.usage.users.create.useMutation({
    onSuccess: (user) => {
      toast.success(`Usuário ${user.name} criado`);
      form.reset();
      void utils.usage.users.list.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(create.error), ...numbers.errors };
  const { email, name, phone, plan, monthlyLimit } = form.values;
  const planLimit = settings.data?.planLimits[plan];
  const submit = () => {
    const limit = monthlyLimit.trim() ? wholeNumber(monthlyLimit) : undefined;
    const typed: Record<string, number> = limit === undefined ? {} : { monthlyLimit: limit };
    if (!numbers.allValid(typed, { monthlyLimit: 'Limite mensal: informe um número inteiro de tokens' })) return;
    create.mutate({
      email: email.trim(),
      name: name.trim(),
      plan,
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(limit === undefined ? {} : { monthlyLimit: limit }),
    });
  };
  return (
    <MutationFormCard
      title="Novo usuário"
      description="Quem vai usar a IA pelo proxy, com uma chave própria."
      submitLabel="Criar usuário"
      mutation={create}
      fields={FIELDS}
      onSubmit={submit}
      testId="usage-user-form"
    >
      <TextField label="E-mail" type="email" autoComplete="off" {...form.bind('email')} error={errors.email} />
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="Telefone (opcional)" type="tel" autoComplete="off" {...form.bind('phone')} error={errors.phone} />
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
        hint={planLimit === undefined ? 'Em branco, o limite do plano.' : `Em branco, o do plano: ${formatTokens(planLimit)} tokens.`}
      />
    </MutationFormCard>
  );
}
