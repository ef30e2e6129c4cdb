import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { FormDialog } from '../../../ui/FormDialog';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { formatUsd, perMillionTokens } from '../format';
import type { UsageModel } from '../types';

const FIELDS = ['provider', 'costPerInputToken', 'costPerOutputToken', 'maxTokens', 'supportsVision', 'supportsFunctionCalling'];

/** "0,0000025" or "0.0000025": the server takes a dot. */
const decimalText = (text: string) => text.trim().replace(',', '.');

const perMillionHint = (cost: string) => {
  const typed = decimalText(cost);
  return /^\d+(\.\d+)?$/.test(typed) ? `${formatUsd(perMillionTokens(typed))} por 1M tokens` : 'Em US$ por token, ex.: 0.0000025';
};

/** A model's costs, context size and abilities; kept when the list is refreshed from the upstream. */
export function ModelDialog({ model, onClose }: { model: UsageModel; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const numbers = useNumberChecks();
  const form = useFormValues({
    provider: model.provider,
    costPerInputToken: model.costPerInputToken,
    costPerOutputToken: model.costPerOutputToken,
    maxTokens: model.maxTokens === null ? '' : String(model.maxTokens),
    supportsVision: model.supportsVision,
    supportsFunctionCalling: model.supportsFunctionCalling,
  });
  const update = trpc.usage.models.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`Modelo ${saved.name} salvo`);
      void utils.usage.models.list.invalidate();
      onClose();
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const values = form.values;
  const submit = () => {
    const maxTokens = values.maxTokens.trim() === '' ? null : wholeNumber(values.maxTokens);
    if (!numbers.allValid(maxTokens === null ? {} : { maxTokens })) return;
    update.mutate({
      name: model.name,
      provider: values.provider.trim(),
      costPerInputToken: decimalText(values.costPerInputToken),
      costPerOutputToken: decimalText(values.costPerOutputToken),
      maxTokens,
      supportsVision: values.supportsVision,
      supportsFunctionCalling: values.supportsFunctionCalling,
    });
  };
  return (
    <FormDialog
      title={`Editar ${model.name}`}
      submitLabel="Salvar modelo"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      onClose={onClose}
      testId="usage-model-dialog"
    >
      <TextField label="Provedor" autoComplete="off" {...form.bind('provider')} error={errors.provider} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Custo por token de entrada (US$)"
          inputMode="decimal"
          autoComplete="off"
          {...form.bind('costPerInputToken')}
          error={errors.costPerInputToken}
          hint={perMillionHint(values.costPerInputToken)}
        />
        <TextField
          label="Custo por token de saída (US$)"
          inputMode="decimal"
          autoComplete="off"
          {...form.bind('costPerOutputToken')}
          error={errors.costPerOutputToken}
          hint={perMillionHint(values.costPerOutputToken)}
        />
      </div>
      <TextField
        label="Máximo de tokens"
        type="number"
        min={1}
        inputMode="numeric"
        {...form.bind('maxTokens')}
        error={errors.maxTokens}
        hint="Prompts maiores que isso são recusados pelo proxy. Em branco, sem limite."
      />
      <CheckboxField
        label="Aceita imagens (visão)"
        checked={values.supportsVision}
        onChange={(checked) => form.set('supportsVision', checked)}
      />
      <CheckboxField
        label="Chama funções (tools)"
        checked={values.supportsFunctionCalling}
        onChange={(checked) => form.set('supportsFunctionCalling', checked)}
      />
    </FormDialog>
  );
}
