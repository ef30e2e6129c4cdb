import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export type ReserveOutcome =
  'reserved' | 'invalid_key' | 'user_suspended' | 'user_blocked' | 'user_pending' | 'budget_blocked' | 'over_budget' | 'prompt_too_long';

export interface Reservation {
  outcome: ReserveOutcome;
  tenantId: string | null;
  userId: string | null;
  keyId: string | null;
  reservationId: string | null;
  period: string | null;
  amount: number;
  available: number;
  modelMaxTokens: number | null;
  costPerInputToken: string;
  costPerOutputToken: string;
  settingsVersion: string | null;
}

interface ReserveRow {
  outcome: ReserveOutcome;
  tenant_id: string | null;
  user_id: string | null;
  key_id: string | null;
  reservation_id: string | null;
  period: string | null;
  amount: string | null;
  available: string | null;
  model_max_tokens: number | null;
  cost_per_input_token: string | null;
  cost_per_output_token: string | null;
  settings_version: Date | null;
}

/**
 * Holds prompt + completion tokens against the key's user's budget for this period, in one round
 * trip (usage_reserve locks the ledger row: concurrent requests are served one at a time there).
 */
export async function reserveTokens(
  db: Kysely<DB>,
  request: {
    keyPrefix: string;
    keyDigest: string;
    model: string;
    promptTokens: number;
    completionTokens: number | null;
    expiresInSeconds: number;
  },
): Promise<Reservation> {
  const { rows } = await sql<ReserveRow>`select * from usage_reserve(
    ${request.keyPrefix}, ${request.keyDigest}, ${request.model}, ${request.promptTokens}::integer,
    ${request.completionTokens}::integer, ${request.expiresInSeconds}::integer)`.execute(db);
  const row = rows[0]!;
  return {
    outcome: row.outcome,
    tenantId: row.tenant_id,
    userId: row.user_id,
    keyId: row.key_id,
    reservationId: row.reservation_id,
    period: row.period,
    amount: Number(row.amount ?? 0),
    available: Number(row.available ?? 0),
    modelMaxTokens: row.model_max_tokens,
    costPerInputToken: row.cost_per_input_token ?? '0',
    costPerOutputToken: row.cost_per_output_token ?? '0',
    settingsVersion: row.settings_version?.toISOString() ?? null,
  };
}

export interface RaisedAlert {
  alertId: string;
  type: 'usage_80' | 'usage_95' | 'blocked';
}

export interface Settlement {
  outcome: 'settled' | 'settled_after_sweep' | 'not_found';
  spent: number;
  allowance: number;
  alerts: RaisedAlert[];
}

interface SettleRow {
  outcome: Settlement['outcome'];
  spent: string | null;
  allowance: string | null;
  alerts: RaisedAlert[];
}

/**
 * Releases a reservation and charges what was used (plan first, then grants), raising each
 * threshold alert the charge crossed exactly once. With no reservation, charges usage metered
 * after the fact; with one the sweep already settled, charges the completion only.
 */
export async function settleTokens(
  db: Kysely<DB>,
  charge: {
    reservationId: string | null;
    promptTokens: number;
    completionTokens: number;
    tenantId: string;
    userId: string;
    period: string;
  },
): Promise<Settlement> {
  const { rows } = await sql<SettleRow>`select * from usage_settle(
    ${charge.reservationId}::uuid, ${charge.promptTokens}::integer, ${charge.completionTokens}::integer,
    ${charge.tenantId}::uuid, ${charge.userId}::uuid, ${charge.period})`.execute(db);
  const row = rows[0]!;
  return { outcome: row.outcome, spent: Number(row.spent ?? 0), allowance: Number(row.allowance ?? 0), alerts: row.alerts ?? [] };
}
