import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';
import { deleteExpiredHeartbeats } from './heartbeats';
import { raiseSilentAgentAlerts } from './silence';

/** Every minute, across tenants: an agent silent for longer than its tenant's setting raises one alert per silence. */
export function agentSilenceJob(): JobDefinition {
  return {
    name: 'inventory.agent_silence',
    description: 'Alerta quando um agente de inventário fica sem enviar sinal além do prazo configurado',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 1,
    run: ({ db }) => raiseSilentAgentAlerts(db),
  };
}

/** Hourly: heartbeats older than each tenant's retention are deleted (the machines keep their last state). */
export function heartbeatRetentionJob(): JobDefinition {
  return {
    name: 'inventory.heartbeat_retention',
    description: 'Apaga heartbeats de máquinas mais antigos que o prazo de guarda',
    schedule: '17 * * * *',
    scope: 'global',
    graceMinutes: 60,
    run: async ({ db }) => ({ deleted: await deleteExpiredHeartbeats(db) }),
  };
}

/** The machines part's scheduled jobs. */
export function machinesJobs(_context: DomainBuildContext): JobDefinition[] {
  return [agentSilenceJob(), heartbeatRetentionJob()];
}
