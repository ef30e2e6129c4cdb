import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The movements part's scheduled jobs. */
export function movementsJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
