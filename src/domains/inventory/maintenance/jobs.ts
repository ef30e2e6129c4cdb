import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The maintenance part's scheduled jobs. */
export function maintenanceJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
