import type { Delivery, TransportDeliveryKind, TransportTarget } from './kinds';
import { describeFailure, responseExcerptOf, storable, type AttemptResult } from './webhook-request';

/** A transport that overruns its timeout by this much is given up on, well before its lease expires. */
const OVERRUN_GRACE_MS = 5_000;

/** One try through a kind's own transport, measured and made storable like a POST; never throws. */
export async function sendThroughTransport<Target extends TransportTarget>(
  kind: TransportDeliveryKind<unknown, Target>,
  delivery: Delivery,
  target: Target,
  options: { timeoutMs: number },
): Promise<AttemptResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`transport did not answer within ${options.timeoutMs} ms`)),
      options.timeoutMs + OVERRUN_GRACE_MS,
    );
  });
  try {
    const result = await Promise.race([kind.send(delivery, target, { timeoutMs: options.timeoutMs }), overrun]);
    return {
      statusCode: result.statusCode,
      error: result.error === null ? null : storable(result.error),
      durationMs: elapsed(),
      responseExcerpt: result.responseExcerpt ? responseExcerptOf(result.responseExcerpt) : null,
      responseBody: result.responseBody,
      permanent: result.error !== null && result.permanent === true,
    };
  } catch (error) {
    return {
      statusCode: null,
      error: storable(describeFailure(error, options.timeoutMs)),
      durationMs: elapsed(),
      responseExcerpt: null,
      responseBody: undefined,
    };
  } finally {
    clearTimeout(timer);
  }
}
