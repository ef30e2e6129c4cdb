import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { CheckboxField } from '../../../ui/CheckboxField';
import type { Service } from '../labels';
import { centsToInput, parseReais } from '../../../lib/money';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';

const FIELDS = ['name', 'durationMin', 'priceCents', 'bufferBeforeMin', 'bufferAfterMin', 'returnCycleDays', 'active'];

const valuesOf = (service: Service | null) => ({
  name: service?.name ?? '',
  durationMin: String(service?.durationMin ?? 30),
  price: service ? centsToInput(service.priceCents) : '',
  bufferBeforeMin: String(service?.bufferBeforeMin ?? 0),
  bufferAfterMin: String(service?.bufferAfterMin ?? 0),
  returnCycleDays: service?.returnCycleDays ? String(service.returnCycleDays) : '',
  active: service?.active ?? true,
});

/** Creates a service, or edits the one picked in the table; the price is typed in reais and kept in cents. */
export function ServiceForm({ service, onDone }: { service: Service | null; onDone: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(service));
  const numbers = useNumberChecks();
  const onSuccess = (saved: Service) => {
    toast.success(service ? `Serviço ${saved.name} salvo` : `Serviço ${saved.name} criado`);
    form.reset();
    onDone();
    void utils.agenda.services.list.invalidate();
  };
  const create = trpc.agenda.services.create.useMutation({ onSuccess });
  const update = trpc.agenda.services.update.useMutation({ onSuccess });
  const current = service ? update : create;
  const errors = { ...fieldErrorsOf(current.error), ...numbers.errors };
  const { name, durationMin, price, bufferBeforeMin, bufferAfterMin, returnCycleDays, active } = form.values;
  const submit = () => {
    const typed = {
      durationMin: wholeNumber(durationMin),
      priceCents: parseReais(price),
      bufferBeforeMin: wholeNumber(bufferBeforeMin),
      bufferAfterMin: wholeNumber(bufferAfterMin),
      ...(returnCycleDays.trim() ? { returnCycleDays: wholeNumber(returnCycleDays) } : {}),
    };
    if (!numbers.allValid(typed, { priceCents: 'Informe o preço em reais, como 60,00' })) return;
    const input = { name, ...typed, returnCycleDays: typed.returnCycleDays ?? null };
    if (service) update.mutate({ id: service.id, ...input, active });
    else create.mutate(input);
  };
  return (
    <MutationFormCard
      title={service ? `Editar ${service.name}` : 'Novo serviço'}
      submitLabel={service ? 'Salvar serviço' : 'Criar serviço'}
      mutation={current}
      fields={FIELDS}
      onSubmit={submit}
      testId="service-form"
    >
      <TextField label="Nome" placeholder="Corte de cabelo" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Duração (min)"
          type="number"
          min={5}
          step={5}
          inputMode="numeric"
          {...form.bind('durationMin')}
          error={errors.durationMin}
        />
        <TextField label="Preço (R$)" inputMode="decimal" placeholder="60,00" {...form.bind('price')} error={errors.priceCents} />
        <TextField
          label="Intervalo antes (min)"
          type="number"
          min={0}
          inputMode="numeric"
          {...form.bind('bufferBeforeMin')}
          error={errors.bufferBeforeMin}
        />
        <TextField
          label="Intervalo depois (min)"
          type="number"
          min={0}
          inputMode="numeric"
          {...form.bind('bufferAfterMin')}
          error={errors.bufferAfterMin}
        />
      </div>
      <TextField
        label="Ciclo de retorno (dias)"
        type="number"
        min={1}
        inputMode="numeric"
        {...form.bind('returnCycleDays')}
        error={errors.returnCycleDays}
        hint="Quando o cliente costuma voltar; o Prazo Certo o lembra. Em branco, sem ciclo."
      />
      {service && (
        <CheckboxField
          label="Ativo"
          description="Desativado, não pode ser agendado."
          checked={active}
          onChange={(checked) => form.set('active', checked)}
        />
      )}
      {service && (
        <Button tone="ghost" onClick={onDone}>
          Cancelar edição
        </Button>
      )}
    </MutationFormCard>
  );
}
