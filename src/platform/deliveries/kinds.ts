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
  /**
   * What this try posts, when it differs from the stored payload (links made for the try, such as
   * signed media links that expire); the stored payload otherwise.
   */
  body?: unknown;
}

/**
 * What a kind with its own transport resolves: `url` is recorded with the try (so it never holds
 * a secret); the rest is the kind's own (credentials included), kept in memory for this try only.
 */
export interface TransportTarget {
  url: string;
}

export interface DeliveryResponse {
  status: number;
  /** Parsed JSON when the receiver answered JSON, its text otherwise; undefined when empty or too large. */
  body: unknown;
}

/** What the worker gives a kind's transport for one try. */
export interface DeliverySendContext {
  /** The try must end within this (the lease covers it with a margin). */
  timeoutMs: number;
}

/** How one try through a kind's own transport went; the worker records it as it records a POST. */
export interface DeliverySendResult {
  /** The receiver's HTTP status, or null when no answer came (or nothing was sent). */
  statusCode: number | null;
  /** Null when the receiver took the delivery. */
  error: string | null;
  /** The failure will repeat however often it is tried (revoked credentials, a recipient that cannot receive): dead now, no retries. */
  permanent?: boolean;
  /** Handed to onDelivered (or onDead) as the response body; never stored. */
  responseBody?: unknown;
  /** What the attempts table keeps of the answer (cut to 2 KiB); never a secret. */
  responseExcerpt?: string | null;
}

/** The last try of a dead delivery, for onDead to tell a failure of the target from one of the delivery. */
export interface DeliveryFailure {
  statusCode: number | null;
  body: unknown;
}

/** Hooks every kind has; they run in a transaction of the delivery's tenant. */
interface DeliveryKindHooks<Payload> {
  /** Stored with each delivery; must stay stable while deliveries of the kind may be queued. */
  name: string;
  /** Tries before the delivery is dead; default DELIVERIES_MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** Runs with the delivered status, in the same transaction: if it throws, the delivery is tried again. */
  onDelivered?(trx: TenantTransaction, delivery: Delivery<Payload>, response: DeliveryResponse): Promise<void>;
  /** Runs with the dead status (last try failed, a permanent failure, or the receiver answered 410 Gone), in the same transaction. */
  onDead?(trx: TenantTransaction, delivery: Delivery<Payload>, lastError: string, last: DeliveryFailure): Promise<void>;
}

/** Sent by the worker as a signed JSON POST of the payload to the URL it resolves (n8n, tenant webhooks). */
export interface WebhookDeliveryKind<Payload = unknown> extends DeliveryKindHooks<Payload> {
  /** Null cancels the delivery: its target no longer exists. */
  resolveTarget(trx: TenantTransaction, delivery: Delivery<Payload>): Promise<DeliveryTarget | null>;
  send?: undefined;
}

/**
 * Sent by the kind itself, to a provider's API (WhatsApp Cloud). resolveTarget gathers in the
 * tenant what the try needs; send runs outside any transaction, and its result is recorded in
 * delivery_attempts and retried, dead-lettered or delivered like a POST's.
 */
export interface TransportDeliveryKind<
  Payload = unknown,
  Target extends TransportTarget = TransportTarget,
> extends DeliveryKindHooks<Payload> {
  /** Null cancels the delivery: its target no longer exists. */
  resolveTarget(trx: TenantTransaction, delivery: Delivery<Payload>): Promise<Target | null>;
  /** One try. A throw counts as a failed try that may be retried; report a permanent failure in the result. */
  send(delivery: Delivery<Payload>, target: Target, context: DeliverySendContext): Promise<DeliverySendResult>;
}

/** A kind of outbound delivery a domain sends (an n8n message, a tenant's status callback, a WhatsApp message). */
export type DeliveryKind<Payload = unknown> = WebhookDeliveryKind<Payload> | TransportDeliveryKind<Payload>;
