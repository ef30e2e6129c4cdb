import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Badge, Banner, Card, PageHeader } from '../../../ui/Layout';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import { HEALTH } from '../labels';
import { useUsageLiveQueries } from '../liveEvents';
import { proxyBaseUrl } from '../paths';
import { SettingsForm } from './SettingsForm';
import { TestEmailForm } from './TestEmailForm';

/** The module's settings: limits, alerts, e-mail, request limits and the upstream the proxy forwards to. */
export function SettingsPage() {
  useUsageLiveQueries();
  const canWrite = useCan('usage.settings.write');
  const settings = trpc.usage.settings.get.useQuery();
  const upstream = settings.data?.litellmSettings;
  return (
    <>
      <PageHeader
        title="Configuração da IA"
        description="Limites de tokens, alertas, e-mail, limites de pedidos e o upstream (LiteLLM ou compatível com a OpenAI) do proxy."
      />
      {settings.isError && <Banner>{errorMessage(settings.error)}</Banner>}
      {settings.isPending && (
        <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
          <Spinner /> Carregando configurações…
        </p>
      )}
      {settings.data && upstream && (
        <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,22rem)] xl:items-start">
          <SettingsForm settings={settings.data} canWrite={canWrite} />
          <div className="space-y-6">
            <Card className="space-y-3">
              <h2 className="text-sm font-semibold text-zinc-900">Para os programas dos usuários</h2>
              <LabelledSecret label="URL base do proxy" value={proxyBaseUrl()} testId="proxy-url" />
              <p className="text-xs text-zinc-500">Com a chave de cada usuário, como numa conta da OpenAI (LibreChat, SDKs oficiais).</p>
              <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="upstream-status">
                <span className="text-zinc-700">Upstream:</span>
                {upstream.baseUrl ? (
                  <Badge tone={HEALTH[upstream.status].tone}>{HEALTH[upstream.status].label}</Badge>
                ) : (
                  <Badge tone="zinc">{HEALTH.not_configured.label}</Badge>
                )}
                {upstream.checkedAt && <span className="text-xs text-zinc-500">verificado {formatRelative(upstream.checkedAt)}</span>}
              </div>
            </Card>
            {canWrite && <TestEmailForm />}
          </div>
        </div>
      )}
    </>
  );
}
