import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The machines part's scheduled jobs. */
export function machinesJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
