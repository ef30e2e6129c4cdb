import type { TenantTransaction } from '../../db/tenant-scope';

/** One queued delivery, as a kind's hooks see it. */
export interface Delivery<Payload = unknown> {
  id: string;
  tenantId: string;
  kind: string;
  /** The same on every try of this delivery: receivers dedupe on it. */
  eventId: string;
  orderingKey: string | null;
  payload: Payload;
  /** This try's number, from 1. */
  attempt: number;
  createdAt: Date;
}

/** Where a delivery goes, resolved at send time so a rotated secret or a changed URL applies to queued ones. */
export interface DeliveryTarget {
  url: string;
  /** Signs the body (X-Balcao-Signature); never stored with the delivery. */
  secret: string;
  headers?: Record<string, string>;
}

export interface DeliveryResponse {
  status: number;
  /** Parsed JSON when the receiver answered JSON, its text otherwise; undefined when empty or too large. */
  body: unknown;
}

/**
 * A kind of outbound delivery a domain sends (an n8n message, a tenant's status callback).
 * Hooks run in a transaction of the delivery's tenant.
 */
export interface DeliveryKind<Payload = unknown> {
  /** Stored with each delivery; must stay stable while deliveries of the kind may be queued. */
  name: string;
  /** Tries before the delivery is dead; default DELIVERIES_MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** Null cancels the delivery: its target no longer exists. */
  resolveTarget(trx: TenantTransaction, delivery: Delivery<Payload>): Promise<DeliveryTarget | null>;
  /** Runs with the delivered status, in the same transaction: if it throws, the delivery is tried again. */
  onDelivered?(trx: TenantTransaction, delivery: Delivery<Payload>, response: DeliveryResponse): Promise<void>;
  /** Runs with the dead status (last try failed, or the receiver answered 410 Gone), in the same transaction. */
  onDead?(trx: TenantTransaction, delivery: Delivery<Payload>, lastError: string): Promise<void>;
}
