import { DELIVERY_TICKS, type DeliveryStatus } from '../labels';

/** ⏱ ✓ ✓✓ (blue when read) or ⚠ with the reason, beside an outbound message. */
export function DeliveryTick({ status, failureReason }: { status: DeliveryStatus; failureReason: string | null }) {
  const tick = DELIVERY_TICKS[status];
  const label = status === 'failed' && failureReason ? `${tick.label}: ${failureReason}` : tick.label;
  return (
    <span className={`inline-flex items-center gap-1 ${tick.className}`}>
      <span
        data-testid="delivery-status"
        data-status={status}
        role="img"
        aria-label={label}
        title={label}
        className="font-semibold tracking-tighter"
      >
        {tick.symbol}
      </span>
      {status === 'failed' && <span data-testid="failure-reason">{failureReason ?? tick.label}</span>}
    </span>
  );
}
