import { trpc } from '../../lib/trpc';
import type { UsageUser } from './types';

export interface Thresholds {
  warning: number;
  danger: number;
}

/** The tenant's alert thresholds (80 and 95 until the settings load). */
export function useTenantThresholds(): Thresholds {
  const settings = trpc.usage.settings.get.useQuery();
  return { warning: settings.data?.alertThreshold80 ?? 80, danger: settings.data?.alertThreshold95 ?? 95 };
}

/** A user's own thresholds where set, else the tenant's. */
export function thresholdsOf(user: Pick<UsageUser, 'customAlertThreshold80' | 'customAlertThreshold95'>, tenant: Thresholds): Thresholds {
  return { warning: user.customAlertThreshold80 ?? tenant.warning, danger: user.customAlertThreshold95 ?? tenant.danger };
}
