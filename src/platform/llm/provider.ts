import type { z } from 'zod';

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest<T> {
  /** Instructions. */
  system: string;
  /** The conversation so far, oldest first. */
  messages: LlmMessage[];
  /** The answer's shape: sent as JSON Schema and validated on return. */
  schema: z.ZodType<T>;
  /** Names the schema for the provider, e.g. 'chat_understanding' ([a-zA-Z0-9_-], at most 64). */
  schemaName: string;
  signal?: AbortSignal;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export type LlmProviderName = 'gemini' | 'openai_compatible';

export interface StructuredAnswer<T> {
  value: T;
  provider: LlmProviderName;
  model: string;
  usage: LlmUsage;
  latencyMs: number;
}

export type LlmFailureKind = 'timeout' | 'http' | 'network' | 'invalid_output' | 'refused';

export interface LlmProvider {
  readonly provider: LlmProviderName;
  readonly model: string;
  generateStructured<T>(request: StructuredRequest<T>): Promise<StructuredAnswer<T>>;
}

/** Every way a call can fail upstream; callers fall back to an offline answer on it. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmFailureKind;
  /** The HTTP status, for kind 'http'. */
  readonly status?: number;
  readonly provider: string;
  readonly model: string;
  readonly latencyMs: number;
  /** Tokens spent before the failure, when the provider reported them (refusals, invalid output). */
  readonly usage?: LlmUsage;

  constructor(
    message: string,
    details: {
      kind: LlmFailureKind;
      provider: string;
      model: string;
      latencyMs: number;
      status?: number;
      usage?: LlmUsage;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.provider = details.provider;
    this.model = details.model;
    this.latencyMs = details.latencyMs;
    this.usage = details.usage;
  }
}
