import type { RouterOutputs } from '../../../lib/trpc';

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';
type CampaignRun = RouterOutputs['agenda']['campaigns']['runs'][number];

export const CAMPAIGN_COPY: Record<CampaignRun['type'], { title: string; description: string }> = {
  prazo_certo: {
    title: 'Prazo Certo',
    description:
      'Chama de volta quem está na hora de voltar: último atendimento + ciclo de retorno do serviço, com o profissional de sempre.',
  },
  encher_agenda: {
    title: 'Encher Agenda',
    description: 'Oferece os horários vagos dos próximos dias a quem mais costuma vir, com um desconto.',
  },
};

export const RUN_TRIGGERS: Record<CampaignRun['trigger'], string> = { schedule: 'Agendada', manual: 'Rodar agora', n8n: 'n8n' };

export const RUN_STATUSES: Record<CampaignRun['status'], { label: string; tone: Tone }> = {
  running: { label: 'Rodando', tone: 'blue' },
  completed: { label: 'Concluída', tone: 'green' },
  failed: { label: 'Falhou', tone: 'red' },
};
