import { formatPercent, formatTokens, usageTone, type UsageTone } from './format';

const FILLS: Record<UsageTone, string> = { ok: 'bg-emerald-500', warning: 'bg-amber-500', danger: 'bg-red-600' };

interface UsageBarProps {
  /** Whose usage: the bar's accessible name ("Uso de Ana"). */
  label: string;
  percent: number;
  used: number;
  allowance: number;
  /** Where the colour changes: the user's own alert thresholds, or the tenant's. */
  thresholds?: { warning: number; danger: number } | undefined;
  size?: 'sm' | 'md';
}

/** Tokens used this month out of what the user may use, as a progress bar that turns amber and red at the alert thresholds. */
export function UsageBar({ label, percent, used, allowance, thresholds, size = 'sm' }: UsageBarProps) {
  const tone = usageTone(percent, thresholds);
  const text = `${formatTokens(used)} / ${formatTokens(allowance)} tokens`;
  return (
    <div className={size === 'sm' ? 'w-44 space-y-1' : 'w-full max-w-md space-y-1.5'}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.max(100, percent)}
        aria-valuenow={percent}
        aria-valuetext={`${formatPercent(percent)}: ${text}`}
        data-tone={tone}
        className={`overflow-hidden rounded-full bg-zinc-100 ${size === 'sm' ? 'h-2' : 'h-3'}`}
      >
        <div className={`h-full rounded-full transition-[width] ${FILLS[tone]}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <p className="flex justify-between gap-2 text-xs text-zinc-500 tabular-nums">
        <span>{text}</span>
        <span className="font-medium text-zinc-700">{formatPercent(percent)}</span>
      </p>
    </div>
  );
}
