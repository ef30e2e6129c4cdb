import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Services } from '../../../platform/services';
import { currentRequestContext } from '../../../platform/observability/request-context';
import type { Reservation } from '../ledger';
import type { UsageRuntime } from '../runtime';
import { estimationAccuracy } from '../tokens';
import { invalidKey, type OpenAiError } from './openai-errors';

/** How long a reservation may stay open before the sweep settles it (beyond the upstream's own timeouts). */
export const RESERVATION_GRACE_SECONDS = 15 * 60;

export interface CallOutcome {
  statusCode: number;
  /** What the upstream reported; null when it sent none (the proxy's counts are then charged). */
  usage: { promptTokens: number; completionTokens: number } | null;
  /** The proxy's own count of the completion (streamed or answered text). */
  countedCompletionTokens: number;
  errorType?: string;
  errorMessage?: string;
  attempts?: number;
  upstreamAnsweredAt?: number;
}

/**
 * One metered request through the proxy: its reservation, and at the end (answer, stream end,
 * failure or the client leaving) the settlement to what was used and the usage record.
 */
export class MeteredCall {
  readonly receivedAt = performance.now();
  readonly createdAt = new Date();
  readonly requestId: string;
  reservation: Reservation | undefined;
  forwardedAt: number | undefined;
  #settled = false;

  constructor(
    private readonly services: Services,
    private readonly runtime: UsageRuntime,
    readonly req: Request,
    readonly endpoint: string,
    readonly model: string,
    readonly promptTokens: number,
  ) {
    this.requestId = currentRequestContext()?.requestId ?? randomUUID();
  }

  /** Reserves prompt + completion; answers the error to send when the request may not go on. */
  async reserve(key: { prefix: string; digest: string }, completionTokens: number | null): Promise<OpenAiError | null> {
    const reservation = await this.runtime.ledger.reserve({
      keyPrefix: key.prefix,
      keyDigest: key.digest,
      model: this.model,
      promptTokens: this.promptTokens,
      completionTokens,
      expiresInSeconds: RESERVATION_GRACE_SECONDS,
    });
    this.reservation = reservation;
    const refusal = refusalOf(reservation, this.promptTokens);
    if (refusal && reservation.outcome !== 'invalid_key')
      this.#record(
        { statusCode: refusal.status, usage: null, countedCompletionTokens: 0, errorType: refusal.code, errorMessage: refusal.message },
        false,
      );
    return refusal;
  }

  /** Charges what was used (or releases the hold when nothing was) and records the request, once. */
  async settle(outcome: CallOutcome): Promise<void> {
    const reservation = this.reservation;
    if (this.#settled || !reservation?.reservationId) return;
    this.#settled = true;
    const charged = outcome.usage ?? {
      promptTokens: outcome.statusCode < 400 || outcome.countedCompletionTokens > 0 ? this.promptTokens : 0,
      completionTokens: outcome.countedCompletionTokens,
    };
    let recorded = charged;
    try {
      const settlement = await this.runtime.ledger.settle({
        reservationId: reservation.reservationId,
        promptTokens: charged.promptTokens,
        completionTokens: charged.completionTokens,
        tenantId: reservation.tenantId!,
        userId: reservation.userId!,
        period: reservation.period!,
      });
      if (settlement.alerts.length > 0) {
        this.services.hub.wake();
        this.runtime.mailAlertsSoon();
      }
      // The sweep settled this reservation first and recorded (and charged) its prompt: this record
      // carries what was charged now, the completion, so the records add up to the ledger.
      if (settlement.outcome === 'settled_after_sweep') recorded = { promptTokens: 0, completionTokens: charged.completionTokens };
    } catch (error) {
      // The reservation stays; the sweep settles it.
      this.services.logger.error({ err: (error as Error).message, reservationId: reservation.reservationId }, 'usage settlement failed');
    }
    this.#record({ ...outcome, usage: recorded }, outcome.usage !== null);
  }

  #record(outcome: CallOutcome, upstreamReported: boolean): void {
    const reservation = this.reservation;
    if (!reservation?.tenantId || !reservation.userId) return;
    const usage = outcome.usage ?? { promptTokens: 0, completionTokens: 0 };
    const now = performance.now();
    const estimated = this.promptTokens + outcome.countedCompletionTokens;
    const actual = usage.promptTokens + usage.completionTokens;
    const context = currentRequestContext();
    const queued = this.forwardedAt === undefined ? null : Math.round(this.forwardedAt - this.receivedAt);
    this.runtime.recorder.record({
      tenantId: reservation.tenantId,
      userId: reservation.userId,
      keyId: reservation.keyId,
      requestId: this.requestId,
      sessionId: headerValue(this.req, 'x-session-id'),
      model: this.model,
      endpoint: this.endpoint,
      method: 'POST',
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      estimatedTokens: actual > 0 || estimated > 0 ? estimated : null,
      estimationAccuracy: upstreamReported ? estimationAccuracy(estimated, actual) : null,
      costPerInputToken: reservation.costPerInputToken,
      costPerOutputToken: reservation.costPerOutputToken,
      userAgent: headerValue(this.req, 'user-agent'),
      ipAddress: context?.ip ?? null,
      countryCode: headerValue(this.req, 'cf-ipcountry'),
      responseTimeMs: Math.round(now - this.receivedAt),
      queueTimeMs: queued,
      processingTimeMs: this.forwardedAt === undefined ? null : Math.round(now - this.forwardedAt),
      statusCode: outcome.statusCode,
      errorMessage: outcome.errorMessage?.slice(0, 1000) ?? null,
      errorType: outcome.errorType ?? null,
      isCached: false,
      isRetry: (outcome.attempts ?? 1) > 1,
      retryCount: Math.max(0, (outcome.attempts ?? 1) - 1),
      createdAt: this.createdAt,
    });
  }
}

function headerValue(req: Request, name: string): string | null {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, 500) : null;
}

function refusalOf(reservation: Reservation, promptTokens: number): OpenAiError | null {
  switch (reservation.outcome) {
    case 'reserved':
      return null;
    case 'invalid_key':
      return invalidKey();
    case 'user_suspended':
      return { status: 403, type: 'permission_error', code: 'user_suspended', message: 'Usuário suspenso: fale com o administrador.' };
    case 'user_blocked':
      return { status: 403, type: 'permission_error', code: 'user_blocked', message: 'Usuário bloqueado pelo administrador.' };
    case 'user_pending':
      return { status: 403, type: 'permission_error', code: 'user_pending', message: 'Usuário ainda não ativado pelo administrador.' };
    case 'budget_blocked':
      return {
        status: 403,
        type: 'permission_error',
        code: 'budget_blocked',
        message: `Limite de tokens de ${reservation.period} atingido: bloqueado até a virada do mês ou a concessão de tokens.`,
      };
    case 'over_budget':
      return {
        status: 429,
        type: 'insufficient_quota',
        code: 'budget_exceeded',
        message: `Orçamento de tokens excedido: este pedido precisa de ${reservation.amount} tokens e restam ${reservation.available} em ${reservation.period}.`,
      };
    case 'prompt_too_long':
      return {
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
        message: `O prompt tem ${promptTokens} tokens e o modelo aceita no máximo ${reservation.modelMaxTokens}.`,
      };
  }
}
