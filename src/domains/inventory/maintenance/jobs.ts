import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';
import { runDueMaintenancePlans } from './plans';
import { raiseSlaNotices } from './sla-notices';

/** Every minute: the SLA warnings and breaches of running orders, each once. */
export function maintenanceSlaJob(): JobDefinition {
  return {
    name: 'inventory.maintenance_sla',
    description: 'Avisa ordens de serviço perto de vencer o SLA e alerta as vencidas',
    schedule: '* * * * *',
    scope: 'global',
    graceMinutes: 5,
    run: ({ db }) => raiseSlaNotices(db),
  };
}

/** Hourly, in each tenant's zone: the orders of the maintenance plans due today, once per plan and due date. */
export function maintenancePlansJob(): JobDefinition {
  return {
    name: 'inventory.maintenance_plans',
    description: 'Abre as ordens de serviço dos planos de manutenção que vencem hoje',
    schedule: '5 * * * *',
    scope: 'tenant',
    graceMinutes: 60,
    run: async ({ db, tenant }) => {
      if (!tenant) throw new Error('the maintenance plans job runs per tenant');
      return runDueMaintenancePlans(db, tenant.id);
    },
  };
}

/** The maintenance part's scheduled jobs. */
export function maintenanceJobs(_context: DomainBuildContext): JobDefinition[] {
  return [maintenanceSlaJob(), maintenancePlansJob()];
}
