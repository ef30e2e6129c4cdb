import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';
import { remindLoans } from './reminders';

/** Every five minutes: reminders before loans fall due and alerts once they are late (each once per loan). */
export function loanReminderJob(): JobDefinition {
  return {
    name: 'inventory.loan_reminders',
    description: 'Avisa empréstimos perto do vencimento e alerta os atrasados',
    schedule: '*/5 * * * *',
    scope: 'global',
    graceMinutes: 5,
    run: ({ db }) => remindLoans(db),
  };
}

/** The movements part's scheduled jobs. */
export function movementsJobs(_context: DomainBuildContext): JobDefinition[] {
  return [loanReminderJob()];
}
