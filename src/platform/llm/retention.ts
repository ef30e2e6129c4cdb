import { olderThan, type RetentionRule } from '../jobs/retention';

/** The LLM call log (what each call cost and how it ended) is kept for `days` (index llm_calls_tenant). */
export function llmCallRetentionRules(settings: { days: number }): RetentionRule[] {
  return [olderThan({ name: 'llm_calls', table: 'llm_calls', column: 'at', days: settings.days })];
}
