import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The purchasing part's scheduled jobs. */
export function purchasingJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
