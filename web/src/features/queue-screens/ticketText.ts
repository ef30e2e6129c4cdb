import type { QueueTicketStatus } from '../../../../src/db/schema';

/** "Você é o próximo", "Você é o 3º da fila"; empty once the ticket is no longer waiting (position 0). */
export function positionText(position: number): string {
  if (position <= 0) return '';
  return position === 1 ? 'Você é o próximo' : `Você é o ${position}º da fila`;
}

/** The estimated wait in words: "menos de 1 minuto", "cerca de 12 minutos", "cerca de 1 h 20 min". */
export function waitText(minutes: number): string {
  if (minutes < 1) return 'menos de 1 minuto';
  if (minutes === 1) return 'cerca de 1 minuto';
  if (minutes < 60) return `cerca de ${minutes} minutos`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `cerca de ${hours} h` : `cerca de ${hours} h ${rest} min`;
}

/** A ticket's status as the customer reads it; a call names the desk to go to. */
export function statusText(ticket: {
  status: QueueTicketStatus;
  deskNumber: number | null;
  deskName: string | null;
  expired?: boolean;
}): string {
  switch (ticket.status) {
    case 'waiting':
      return ticket.expired ? 'Expirada — era de outro dia; retire uma nova senha' : 'Aguardando';
    case 'called': {
      const desk = ticket.deskNumber !== null ? `Guichê ${ticket.deskNumber}` : ticket.deskName;
      return desk ? `Chamada — dirija-se ao ${desk}` : 'Chamada — dirija-se ao atendimento';
    }
    case 'in_service':
      return 'Em atendimento';
    case 'completed':
      return 'Concluída';
    case 'no_show':
      return 'Não compareceu';
    case 'cancelled':
      return 'Cancelada';
  }
}
