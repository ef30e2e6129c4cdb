import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../web/src/lib/appEvents';
import { formatPercent, formatTokenCost, formatTokens, formatUsd, perMillionTokens, usageTone } from '../../web/src/features/usage/format';
import { usageQueriesStaleAfter } from '../../web/src/features/usage/liveEvents';
import { toUserFilters } from '../../web/src/features/usage/users/UserFilters';

const event = (type: string, data: Record<string, unknown>) => ({ id: '1', type, data }) as unknown as AppEvent;

describe('usage numbers', () => {
  it('shows tokens with pt-BR thousands separators and percentages with a comma', () => {
    expect(formatTokens(1_234_567)).toBe('1.234.567');
    expect(formatTokens(0)).toBe('0');
    expect(formatPercent(12.5)).toBe('12,5%');
    expect(formatPercent(80)).toBe('80%');
  });

  it('shows costs in dollars with up to six decimals, from the API strings', () => {
    expect(formatUsd('0.000150000000')).toMatch(/^US\$\s0,00015$/);
    expect(formatUsd('12.5')).toMatch(/^US\$\s12,50$/);
    expect(formatUsd('0')).toMatch(/^US\$\s0,00$/);
    // Per token, to the last significant decimal.
    expect(formatTokenCost('0.000000150000')).toMatch(/^US\$\s0,00000015$/);
    expect(formatTokenCost('0')).toMatch(/^US\$\s0,00$/);
  });

  it('moves the decimal point six places for the cost per million tokens, without floats', () => {
    expect(perMillionTokens('0.00000015')).toBe('0.15');
    expect(perMillionTokens('0.000002500000')).toBe('2.5');
    expect(perMillionTokens('0.000000000001')).toBe('0.000001');
    expect(perMillionTokens('0.0000001234567')).toBe('0.1234567');
    expect(perMillionTokens('1')).toBe('1000000');
    expect(perMillionTokens('0')).toBe('0');
    expect(perMillionTokens('0.000003')).toBe('3');
    expect(perMillionTokens('abc')).toBe('abc');
  });

  it('changes the bar colour at the alert thresholds', () => {
    expect(usageTone(0)).toBe('ok');
    expect(usageTone(79.99)).toBe('ok');
    expect(usageTone(80)).toBe('warning');
    expect(usageTone(94.5)).toBe('warning');
    expect(usageTone(95)).toBe('danger');
    expect(usageTone(130)).toBe('danger');
    expect(usageTone(60, { warning: 50, danger: 70 })).toBe('warning');
  });
});

describe('usage live refresh', () => {
  it('refreshes what each event changes', () => {
    expect(usageQueriesStaleAfter(event('usage.usage.recorded', { records: 1, users: [] }))).toEqual(
      expect.arrayContaining(['users', 'analytics', 'records']),
    );
    expect(usageQueriesStaleAfter(event('usage.alert.raised', { alertId: 'a', type: 'usage_80' }))).toEqual(
      expect.arrayContaining(['users', 'alerts']),
    );
    expect(usageQueriesStaleAfter(event('usage.user.updated', { userId: 'u', change: 'key_created' }))).toContain('keys');
    expect(usageQueriesStaleAfter(event('usage.user.updated', { userId: 'u', change: 'granted' }))).toEqual(['users']);
    expect(usageQueriesStaleAfter(event('usage.model.status', { model: 'm', status: 'healthy', previous: null }))).toContain('models');
    expect(usageQueriesStaleAfter(event('usage.settings.changed', { fields: ['models'] }))).toContain('models');
    expect(usageQueriesStaleAfter(event('ticket.created', { ticketId: 't' }))).toEqual([]);
  });
});

describe('usage user filters', () => {
  it('drops empty filters and a percentage that is not a number', () => {
    expect(toUserFilters({ search: '  ', status: '', plan: '', usageAbove: '' })).toEqual({});
    expect(toUserFilters({ search: ' ana ', status: 'active', plan: 'pro', usageAbove: '80' })).toEqual({
      search: 'ana',
      status: 'active',
      plan: 'pro',
      usageAbove: 80,
    });
    expect(toUserFilters({ search: '', status: '', plan: '', usageAbove: '12,5' })).toEqual({ usageAbove: 12.5 });
    expect(toUserFilters({ search: '', status: '', plan: '', usageAbove: '-3' })).toEqual({});
  });
});
