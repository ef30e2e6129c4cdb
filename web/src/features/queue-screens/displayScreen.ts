import type { DisplayCall, DisplayFrame } from '../../../../src/domains/queue/display';

export type { DisplayCall, DisplayFrame };

/** What the TV shows: the current call and the ones before it, newest first. */
export interface DisplayScreen {
  unitName: string;
  current: DisplayCall | null;
  recent: DisplayCall[];
}

export const RECENT_CALLS_SHOWN = 5;

export const EMPTY_SCREEN: DisplayScreen = { unitName: '', current: null, recent: [] };

/**
 * The screen after a frame, and the call to announce (null when nothing is spoken). A state frame
 * replaces everything silently; a replayed call (announce false) is already in the state and is ignored.
 */
export function applyDisplayFrame(screen: DisplayScreen, frame: DisplayFrame): { screen: DisplayScreen; announce: DisplayCall | null } {
  if (frame.type === 'state')
    return {
      screen: { unitName: frame.unit.name, current: frame.current, recent: frame.recent.slice(0, RECENT_CALLS_SHOWN) },
      announce: null,
    };
  if (!frame.announce) return { screen, announce: null };
  const { call } = frame;
  const previous = screen.current && screen.current.ticketId !== call.ticketId ? [screen.current] : [];
  const recent = [...previous, ...screen.recent].filter((shown) => shown.ticketId !== call.ticketId).slice(0, RECENT_CALLS_SHOWN);
  return { screen: { ...screen, current: call, recent }, announce: call };
}
