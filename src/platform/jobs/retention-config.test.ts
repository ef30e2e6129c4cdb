import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';

/** loadConfig with the secrets set, so it writes nothing under DATA_DIR. */
function retentionFrom(env: Record<string, string>) {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    SECRETS_KEY: 'test-secrets-key-that-is-long-enough-to-derive',
    DATA_DIR: '/tmp/balcao-test-data-unused',
    ...env,
  }).retention;
}

describe('retention configuration', () => {
  it('has a default for every kind of row', () => {
    expect(retentionFrom({})).toEqual({
      eventsDays: 30,
      jobRunsDays: 30,
      deliveredDeliveriesDays: 30,
      deadDeliveriesDays: 90,
      llmCallsDays: 90,
      helpdeskApiCallsDays: 30,
      helpdeskChannelStatusDays: 90,
      queueCallRequestsDays: 7,
      batchRows: 5000,
      timeBudgetMs: 300_000,
    });
  });

  it('reads each setting', () => {
    const retention = retentionFrom({
      EVENTS_RETENTION_DAYS: '14',
      RETENTION_JOB_RUNS_DAYS: '1',
      RETENTION_DELIVERIES_DAYS: '7',
      RETENTION_DEAD_DELIVERIES_DAYS: '3650',
      RETENTION_LLM_CALLS_DAYS: '365',
      RETENTION_HELPDESK_API_CALLS_DAYS: '2',
      RETENTION_HELPDESK_CHANNEL_STATUS_DAYS: '30',
      RETENTION_QUEUE_CALL_REQUESTS_DAYS: '1',
      HOUSEKEEPING_BATCH_ROWS: '1000',
      HOUSEKEEPING_TIME_BUDGET_SECONDS: '60',
    });
    expect(retention).toEqual({
      eventsDays: 14,
      jobRunsDays: 1,
      deliveredDeliveriesDays: 7,
      deadDeliveriesDays: 3650,
      llmCallsDays: 365,
      helpdeskApiCallsDays: 2,
      helpdeskChannelStatusDays: 30,
      queueCallRequestsDays: 1,
      batchRows: 1000,
      timeBudgetMs: 60_000,
    });
  });

  it.each([
    ['RETENTION_JOB_RUNS_DAYS', '0', 'RETENTION_JOB_RUNS_DAYS: must be at least 1 day'],
    ['RETENTION_DELIVERIES_DAYS', '-5', 'RETENTION_DELIVERIES_DAYS: must be at least 1 day'],
    ['RETENTION_LLM_CALLS_DAYS', '1.5', 'RETENTION_LLM_CALLS_DAYS: must be a whole number of days'],
    ['RETENTION_DEAD_DELIVERIES_DAYS', 'ninety', 'RETENTION_DEAD_DELIVERIES_DAYS: must be a whole number of days'],
    ['EVENTS_RETENTION_DAYS', '3651', 'EVENTS_RETENTION_DAYS: must be at most 3650 days'],
    ['RETENTION_QUEUE_CALL_REQUESTS_DAYS', '', 'RETENTION_QUEUE_CALL_REQUESTS_DAYS: must be at least 1 day'],
    ['HOUSEKEEPING_BATCH_ROWS', '10', 'HOUSEKEEPING_BATCH_ROWS: must be at least 100 rows'],
    ['HOUSEKEEPING_BATCH_ROWS', '1000000', 'HOUSEKEEPING_BATCH_ROWS: must be at most 50000 rows'],
    ['HOUSEKEEPING_TIME_BUDGET_SECONDS', '0', 'HOUSEKEEPING_TIME_BUDGET_SECONDS: must be at least 1 second'],
  ])('refuses %s=%s with a clear message', (name, value, message) => {
    expect(() => retentionFrom({ [name]: value })).toThrow(ConfigError);
    expect(() => retentionFrom({ [name]: value })).toThrow(message);
  });
});
