import { useState } from 'react';

/** The operator's unit, desk and served services, as last picked on this browser. */
export interface PanelChoice {
  unitId: string | null;
  deskId: string | null;
  /** Empty: every service of the unit. */
  serviceIds: string[];
}

const STORAGE_KEY = 'balcao.queue.panelChoice';
const NONE: PanelChoice = { unitId: null, deskId: null, serviceIds: [] };

function readChoice(): PanelChoice {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<PanelChoice> | null;
    return { ...NONE, ...stored, serviceIds: Array.isArray(stored?.serviceIds) ? stored.serviceIds : [] };
  } catch {
    return NONE;
  }
}

/** The choice, remembered in localStorage so the operator finds the desk set up after a reload. */
export function usePanelChoice() {
  const [choice, setChoice] = useState<PanelChoice>(readChoice);
  const update = (next: Partial<PanelChoice>) =>
    setChoice((current) => {
      const merged = { ...current, ...next };
      localStorage.setItem(STORAGE_KEY, JSON.stringify(merged));
      return merged;
    });
  return { choice, update };
}
