import type { FormEvent, ReactNode } from 'react';
import { fieldErrorsOf, formErrorOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { Banner, Card } from '../../../ui/Layout';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { PLANS } from '../labels';
import type { Plan, SettingsUpdate, UsageSettings } from '../types';

/** The server's fields (top level: a nested field's error comes under its section). */
const FIELDS = [
  'defaultMonthlyLimit',
  'planLimits',
  'alertThreshold80',
  'alertThreshold95',
  'blockThreshold',
  'maxUserLimit',
  'minUserLimit',
  'completionEstimate',
  'rawRetentionDays',
  'emailSettings',
  'securitySettings',
  'litellmSettings',
];

const PLAN_KEYS = Object.keys(PLANS) as Plan[];

const valuesOf = (settings: UsageSettings) => ({
  defaultMonthlyLimit: String(settings.defaultMonthlyLimit),
  ...(Object.fromEntries(PLAN_KEYS.map((plan) => [`plan_${plan}`, String(settings.planLimits[plan])])) as Record<`plan_${Plan}`, string>),
  minUserLimit: String(settings.minUserLimit),
  maxUserLimit: String(settings.maxUserLimit),
  completionEstimate: String(settings.completionEstimate),
  rawRetentionDays: String(settings.rawRetentionDays),
  alertThreshold80: String(settings.alertThreshold80),
  alertThreshold95: String(settings.alertThreshold95),
  blockThreshold: String(settings.blockThreshold),
  smtpHost: settings.emailSettings.smtpHost,
  smtpPort: String(settings.emailSettings.smtpPort),
  smtpUser: settings.emailSettings.smtpUser,
  smtpPassword: '',
  clearSmtpPassword: false,
  fromEmail: settings.emailSettings.fromEmail,
  fromName: settings.emailSettings.fromName,
  useTls: settings.emailSettings.useTls,
  rateLimitPerMinute: String(settings.securitySettings.rateLimitPerMinute),
  rateLimitBurst: String(settings.securitySettings.rateLimitBurst),
  corsOrigins: settings.securitySettings.corsOrigins.join('\n'),
  baseUrl: settings.litellmSettings.baseUrl,
  apiKey: '',
  clearApiKey: false,
  timeout: String(settings.litellmSettings.timeout),
  maxRetries: String(settings.litellmSettings.maxRetries),
  healthCheckInterval: String(settings.litellmSettings.healthCheckInterval),
});

type Values = ReturnType<typeof valuesOf>;
type TextKey = { [K in keyof Values]: Values[K] extends string ? K : never }[keyof Values];

/** A write-only secret: typed replaces it, "remover" clears it (''), untouched keeps it (absent). */
const secret = (typed: string, clear: boolean) => (clear ? { value: '' } : typed ? { value: typed } : null);

function Section({
  title,
  description,
  error,
  children,
}: {
  title: string;
  description?: string;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <fieldset className="space-y-3 border-t border-zinc-100 pt-4 first:border-t-0 first:pt-0">
      <legend className="text-sm font-semibold text-zinc-900">{title}</legend>
      {description && <p className="-mt-1 text-xs text-zinc-500">{description}</p>}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">{children}</div>
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Every setting in one form, by section; secrets (SMTP password, upstream key) are write-only. */
export function SettingsForm({ settings, canWrite }: { settings: UsageSettings; canWrite: boolean }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues(valuesOf(settings));
  const numbers = useNumberChecks();
  const update = trpc.usage.settings.update.useMutation({
    onSuccess: (saved) => {
      toast.success('Configurações do uso de IA salvas');
      utils.usage.settings.get.setData(undefined, saved);
      form.replace(valuesOf(saved));
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const bannerError = formErrorOf(update.error, FIELDS);
  const values = form.values;
  const number = (key: TextKey) => ({ type: 'number', min: 0, inputMode: 'numeric' as const, ...form.bind(key), error: errors[key] });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = {
      defaultMonthlyLimit: wholeNumber(values.defaultMonthlyLimit),
      ...(Object.fromEntries(PLAN_KEYS.map((plan) => [`plan_${plan}`, wholeNumber(values[`plan_${plan}`])])) as Record<
        `plan_${Plan}`,
        number
      >),
      minUserLimit: wholeNumber(values.minUserLimit),
      maxUserLimit: wholeNumber(values.maxUserLimit),
      completionEstimate: wholeNumber(values.completionEstimate),
      rawRetentionDays: wholeNumber(values.rawRetentionDays),
      alertThreshold80: wholeNumber(values.alertThreshold80),
      alertThreshold95: wholeNumber(values.alertThreshold95),
      blockThreshold: wholeNumber(values.blockThreshold),
      smtpPort: wholeNumber(values.smtpPort),
      rateLimitPerMinute: wholeNumber(values.rateLimitPerMinute),
      rateLimitBurst: wholeNumber(values.rateLimitBurst),
      timeout: wholeNumber(values.timeout),
      maxRetries: wholeNumber(values.maxRetries),
      healthCheckInterval: wholeNumber(values.healthCheckInterval),
    };
    if (!numbers.allValid(typed)) return;
    const smtpPassword = secret(values.smtpPassword, values.clearSmtpPassword);
    const apiKey = secret(values.apiKey, values.clearApiKey);
    const input: SettingsUpdate = {
      defaultMonthlyLimit: typed.defaultMonthlyLimit,
      planLimits: { basic: typed.plan_basic, pro: typed.plan_pro, enterprise: typed.plan_enterprise, trial: typed.plan_trial },
      minUserLimit: typed.minUserLimit,
      maxUserLimit: typed.maxUserLimit,
      completionEstimate: typed.completionEstimate,
      rawRetentionDays: typed.rawRetentionDays,
      alertThreshold80: typed.alertThreshold80,
      alertThreshold95: typed.alertThreshold95,
      blockThreshold: typed.blockThreshold,
      emailSettings: {
        smtpHost: values.smtpHost.trim(),
        smtpPort: typed.smtpPort,
        smtpUser: values.smtpUser.trim(),
        fromEmail: values.fromEmail.trim(),
        fromName: values.fromName.trim(),
        useTls: values.useTls,
        ...(smtpPassword ? { smtpPassword: smtpPassword.value } : {}),
      },
      securitySettings: {
        rateLimitPerMinute: typed.rateLimitPerMinute,
        rateLimitBurst: typed.rateLimitBurst,
        corsOrigins: values.corsOrigins
          .split(/\s+/)
          .map((origin) => origin.trim())
          .filter(Boolean),
      },
      litellmSettings: {
        baseUrl: values.baseUrl.trim(),
        timeout: typed.timeout,
        maxRetries: typed.maxRetries,
        healthCheckInterval: typed.healthCheckInterval,
        ...(apiKey ? { apiKey: apiKey.value } : {}),
      },
    };
    update.mutate(input);
  };

  const email = settings.emailSettings;
  const upstream = settings.litellmSettings;
  return (
    <Card>
      <form aria-label="Configurações do uso de IA" data-testid="usage-settings-form" noValidate onSubmit={submit} className="space-y-5">
        {!canWrite && <Banner tone="info">Somente leitura: alterar exige a permissão usage.settings.write.</Banner>}
        {bannerError && <Banner>{bannerError}</Banner>}
        <fieldset disabled={!canWrite} className="space-y-5">
          <Section
            title="Limites"
            description="Tokens por mês de cada usuário. Em branco no cadastro, vale o limite do plano."
            error={errors.planLimits}
          >
            <TextField label="Limite padrão (tokens)" {...number('defaultMonthlyLimit')} />
            {PLAN_KEYS.map((plan) => (
              <TextField key={plan} label={`Plano ${PLANS[plan]} (tokens)`} {...number(`plan_${plan}`)} />
            ))}
            <TextField label="Limite mínimo por usuário" {...number('minUserLimit')} />
            <TextField label="Limite máximo por usuário" {...number('maxUserLimit')} />
            <TextField
              label="Estimativa de resposta (tokens)"
              {...number('completionEstimate')}
              hint="Reservados por pedido sem max_tokens, até a resposta chegar."
            />
            <TextField label="Guardar registros por (dias)" {...number('rawRetentionDays')} hint="Os totais diários ficam." />
          </Section>
          <Section title="Alertas" description="Em % do que o usuário pode usar no mês (limite mais tokens concedidos).">
            <TextField label="Primeiro alerta (%)" {...number('alertThreshold80')} />
            <TextField label="Segundo alerta (%)" {...number('alertThreshold95')} />
            <TextField
              label="Bloquear em (%)"
              {...number('blockThreshold')}
              hint="O proxy recusa pedidos até a virada do mês ou uma concessão."
            />
          </Section>
          <Section title="E-mail" description="Por onde saem os alertas de consumo." error={errors.emailSettings}>
            <TextField label="Servidor SMTP" autoComplete="off" placeholder="smtp.suaempresa.com" {...form.bind('smtpHost')} />
            <TextField label="Porta SMTP" {...number('smtpPort')} />
            <TextField label="Usuário SMTP" autoComplete="off" {...form.bind('smtpUser')} />
            <TextField
              label="Senha SMTP"
              type="password"
              autoComplete="new-password"
              placeholder={email.smtpPasswordSet ? 'definida' : 'não definida'}
              disabled={values.clearSmtpPassword}
              {...form.bind('smtpPassword')}
              hint={email.smtpPasswordSet ? 'Definida. Em branco, continua a mesma.' : 'Não definida.'}
            />
            <TextField label="Remetente (e-mail)" type="email" autoComplete="off" {...form.bind('fromEmail')} />
            <TextField label="Remetente (nome)" autoComplete="off" {...form.bind('fromName')} />
            <CheckboxField label="Usar TLS" checked={values.useTls} onChange={(checked) => form.set('useTls', checked)} />
            {email.smtpPasswordSet && (
              <CheckboxField
                label="Remover a senha SMTP"
                checked={values.clearSmtpPassword}
                onChange={(checked) => form.set('clearSmtpPassword', checked)}
              />
            )}
          </Section>
          <Section
            title="Segurança"
            description="Limites de pedidos por chave e as origens de navegador aceitas."
            error={errors.securitySettings}
          >
            <TextField label="Pedidos por minuto (por chave)" {...number('rateLimitPerMinute')} />
            <TextField label="Pedidos extras em rajada" {...number('rateLimitBurst')} />
            <TextAreaField
              label="Origens CORS"
              rows={2}
              placeholder="https://chat.suaempresa.com"
              value={values.corsOrigins}
              onChange={(event) => form.set('corsOrigins', event.target.value)}
              hint="Uma por linha."
            />
          </Section>
          <Section
            title="Upstream (LiteLLM)"
            description="Para onde o proxy encaminha os pedidos: LiteLLM ou qualquer API compatível com a OpenAI."
            error={errors.litellmSettings}
          >
            <TextField
              label="URL do upstream"
              type="url"
              autoComplete="off"
              placeholder="http://litellm:4000/v1"
              {...form.bind('baseUrl')}
            />
            <TextField
              label="Chave do upstream"
              type="password"
              autoComplete="new-password"
              placeholder={upstream.apiKeySet ? 'definida' : 'não definida'}
              disabled={values.clearApiKey}
              {...form.bind('apiKey')}
              hint={upstream.apiKeySet ? 'Definida. Em branco, continua a mesma.' : 'Não definida.'}
            />
            <TextField label="Tempo limite (ms)" {...number('timeout')} hint="Por tentativa." />
            <TextField label="Novas tentativas" {...number('maxRetries')} />
            <TextField label="Verificar modelos a cada (s)" {...number('healthCheckInterval')} />
            {upstream.apiKeySet && (
              <CheckboxField
                label="Remover a chave do upstream"
                checked={values.clearApiKey}
                onChange={(checked) => form.set('clearApiKey', checked)}
              />
            )}
          </Section>
        </fieldset>
        {canWrite && (
          <div className="flex justify-end">
            <Button type="submit" tone="primary" busy={update.isPending}>
              Salvar configurações
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
