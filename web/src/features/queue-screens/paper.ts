import type { DeviceStorage } from '../../lib/deviceSession';
import { positionText, waitText } from './ticketText';

/** The thermal roll the kiosk prints on, in millimetres. */
export type PaperWidth = 58 | 80;

const PAPER_KEY = 'balcao.kiosk.paper';

/**
 * The roll width: `?papel=58` or `?papel=80` picks it and is remembered (a kiosk is set up once,
 * then reopened at its bare address); otherwise the remembered one, or 80 mm.
 */
export function choosePaper(search: string, storage: DeviceStorage | null): PaperWidth {
  const asked = new URLSearchParams(search).get('papel');
  if (asked === '58' || asked === '80') {
    storage?.setItem(PAPER_KEY, asked);
    return Number(asked) as PaperWidth;
  }
  return storage?.getItem(PAPER_KEY) === '58' ? 58 : 80;
}

export interface PrintableTicket {
  serviceName: string;
  priority: string | null;
  position: number;
  estimatedWaitMin: number;
  issuedAt: string;
}

/** The lines printed under the code, the same on both widths (the narrow roll only wraps them). */
export function ticketPrintLines(ticket: PrintableTicket): string[] {
  const issued = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ticket.issuedAt));
  return [
    ticket.priority ? `${ticket.serviceName} — ${ticket.priority}` : ticket.serviceName,
    positionText(ticket.position),
    `Espera estimada: ${waitText(ticket.estimatedWaitMin)}`,
    `Emitida em ${issued}`,
  ].filter((line) => line !== '');
}
