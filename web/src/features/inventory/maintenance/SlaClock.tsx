import { useEffect, useState } from 'react';
import type { SlaClockView } from './labels';

const TICK_MS = 1_000;

/** The current time, ticking every second while the component is on screen. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "2 h 05 min 10 s", "45 min 10 s", "8 s"; "3 d 4 h" past a day. */
function formatSpan(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min ${String(seconds % 60).padStart(2, '0')} s`;
  if (minutes > 0) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${seconds % 60} s`;
}

const DONE_TEXT = { met: 'cumprido', missed: 'cumprido fora do prazo', stopped: 'parado' } as const;

/** One deadline, counting down live from its time: time left, in its warning stretch, or overdue; or how it ended. */
function Deadline({ label, clock, now }: { label: string; clock: SlaClockView | null; now: number }) {
  if (!clock) return null;
  let tone = 'text-emerald-700';
  let text: string;
  if (clock.state === 'met' || clock.state === 'missed' || clock.state === 'stopped') {
    text = DONE_TEXT[clock.state];
    tone = clock.state === 'missed' ? 'text-red-700' : 'text-zinc-500';
  } else {
    const left = Date.parse(clock.deadline) - now;
    if (left < 0) {
      text = `vencido há ${formatSpan(left)}`;
      tone = 'text-red-700 font-semibold';
    } else {
      text = `${formatSpan(left)} restantes`;
      if (now >= Date.parse(clock.warnsAt)) tone = 'text-amber-700 font-semibold';
    }
  }
  return (
    <span className={`block whitespace-nowrap tabular-nums ${tone}`}>
      {label}: {text}
    </span>
  );
}

/** An order's SLA clock (respond and resolve), live; a dash when the order has no contract. */
export function SlaClock({ sla }: { sla: { respond: SlaClockView | null; resolve: SlaClockView | null } }) {
  const now = useNow();
  if (!sla.respond && !sla.resolve) return <span className="text-xs text-zinc-400">sem SLA</span>;
  return (
    <span className="text-xs" data-testid="sla-clock">
      <Deadline label="Resposta" clock={sla.respond} now={now} />
      <Deadline label="Solução" clock={sla.resolve} now={now} />
    </span>
  );
}
