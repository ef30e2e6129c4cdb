import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Banner, PageHeader } from '../../../ui/Layout';
import { AgendaSettingsForm } from './AgendaSettingsForm';
import { IntegrationCard } from './IntegrationCard';

/** The agenda's rules and its wiring to n8n (and to the helpdesk, when the company has it). */
export function AgendaSettingsPage() {
  const settings = trpc.agenda.settings.get.useQuery();
  return (
    <>
      <PageHeader
        title="Configurações da agenda"
        description="Como a agenda avisa os clientes, as regras de agendamento e a integração com o n8n."
      />
      {settings.isError && <Banner>{errorMessage(settings.error)}</Banner>}
      {settings.isPending && (
        <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
          <Spinner /> Carregando configurações…
        </p>
      )}
      {settings.data && (
        <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,26rem)] xl:items-start">
          <AgendaSettingsForm settings={settings.data} />
          <IntegrationCard settings={settings.data} />
        </div>
      )}
    </>
  );
}
