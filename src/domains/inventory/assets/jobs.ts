import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The assets part's scheduled jobs. */
export function assetsJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
