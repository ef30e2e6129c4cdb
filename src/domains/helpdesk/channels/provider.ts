/**
 * What every channel provider (n8n, WhatsApp Cloud API, later a QR-session provider) turns its
 * own payloads into, and what it is given to send. The helpdesk core speaks only these shapes.
 */

export const CHANNEL_TYPES = ['n8n', 'whatsapp_cloud'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_STATUSES = ['connected', 'disconnected', 'error'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export const MESSAGE_KINDS = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'unsupported'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Delivery states of an outbound message, in the order they advance; `failed` ends it. */
export const DELIVERY_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface InboundMedia {
  /** A URL Balcão can fetch, when the provider gives one (n8n). */
  url?: string;
  /** The provider's media id, to be resolved to a URL through its API (WhatsApp Cloud). */
  providerMediaId?: string;
  mimeType?: string;
  sizeBytes?: number;
  fileName?: string;
  sha256?: string;
}

/** One message a contact sent, as the provider reported it. */
export interface InboundMessage {
  /** The provider's id for the message: the deduplication key with (tenant, channel). */
  externalId: string;
  /** The sender's phone as the provider gave it (normalised to E.164 by the core). */
  from: string;
  /** The sender's display name, when the provider knows it. */
  contactName?: string;
  kind: MessageKind;
  body?: string;
  media?: InboundMedia;
  /** The provider's id of the message this one replies to. */
  quotedExternalId?: string;
  sentAt: Date;
}

/** A delivery status the provider reported for an outbound message. */
export interface InboundStatus {
  /** Balcão's message id or the provider's id for it. */
  messageRef: string;
  status: Exclude<DeliveryStatus, 'pending'>;
  at: Date;
  /** Why it failed, when it did. */
  error?: string;
  /** The provider's id for the message, when the report brings it (linked if the message has none yet). */
  externalId?: string;
}

/** Everything a provider's webhook carried, once parsed. */
export interface InboundBatch {
  messages: InboundMessage[];
  statuses: InboundStatus[];
}

export interface OutboundMedia {
  url: string;
  kind: Extract<MessageKind, 'image' | 'audio' | 'video' | 'document'>;
  mimeType?: string;
  fileName?: string;
}

/** One message to send to a contact. */
export interface OutboundMessage {
  messageId: string;
  ticketId: string;
  /** E.164, with the leading +. */
  to: string;
  body?: string;
  media?: OutboundMedia;
  quotedExternalId?: string;
}

/** What the provider answered when it took the message. */
export interface SendReceipt {
  /** The provider's id for the sent message, when it returned one. */
  externalId?: string;
}
