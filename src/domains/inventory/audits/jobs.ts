import type { DomainBuildContext } from '../../../platform/domain-module';
import type { JobDefinition } from '../../../platform/jobs/scheduler';

/** The audits part's scheduled jobs. */
export function auditsJobs(_context: DomainBuildContext): JobDefinition[] {
  return [];
}
