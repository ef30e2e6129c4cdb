import { useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField } from '../../../ui/Field';
import { Banner } from '../../../ui/Layout';
import type { QueueService, Ticket } from '../types';

// 'called' never comes in `actions`: calling is "Chamar próxima".
type Move = Exclude<Ticket['actions'][number], 'transferred' | 'called'>;

const MOVE_LABELS: Record<Move, string> = {
  recalled: 'Chamar de novo',
  started: 'Iniciar',
  completed: 'Concluir',
  no_show: 'Não compareceu',
  cancelled: 'Cancelar',
};

/** The buttons of the moves the ticket's state allows; a refused move (409) shows the server's reason. */
export function TicketActions({ ticket, services }: { ticket: Ticket; services: readonly QueueService[] }) {
  const utils = trpc.useUtils();
  const options = { onSuccess: () => void utils.queue.panel.overview.invalidate() };
  const mutations: Record<Move, ReturnType<typeof trpc.queue.panel.start.useMutation>> = {
    recalled: trpc.queue.panel.recall.useMutation(options),
    started: trpc.queue.panel.start.useMutation(options),
    completed: trpc.queue.panel.complete.useMutation(options),
    no_show: trpc.queue.panel.noShow.useMutation(options),
    cancelled: trpc.queue.panel.cancel.useMutation(options),
  };
  const transfer = trpc.queue.panel.transfer.useMutation(options);
  const [transferTo, setTransferTo] = useState('');
  const failed = [...Object.values(mutations), transfer].find((mutation) => mutation.error);
  const moves = ticket.actions.filter((action): action is Move => action !== 'transferred' && action !== 'called');
  const otherServices = services.filter((service) => service.id !== ticket.serviceId);
  return (
    <div className="mt-3 space-y-2">
      <div className="flex flex-wrap items-end gap-2">
        {moves.map((move) => (
          <Button
            key={move}
            tone={move === 'completed' || move === 'started' ? 'primary' : move === 'cancelled' ? 'danger' : 'secondary'}
            busy={mutations[move].isPending}
            onClick={() => mutations[move].mutate({ ticketId: ticket.ticketId })}
          >
            {MOVE_LABELS[move]}
          </Button>
        ))}
        {ticket.actions.includes('transferred') && otherServices.length > 0 && (
          <div className="flex items-end gap-2">
            <SelectField
              label="Transferir para"
              options={[
                { value: '', label: 'Escolha o serviço' },
                ...otherServices.map((service) => ({ value: service.id, label: service.name })),
              ]}
              value={transferTo}
              onChange={(event) => setTransferTo(event.target.value)}
            />
            <Button
              disabled={!transferTo}
              busy={transfer.isPending}
              onClick={() => transfer.mutate({ ticketId: ticket.ticketId, serviceId: transferTo })}
            >
              Transferir
            </Button>
          </div>
        )}
      </div>
      {failed && <Banner>{errorMessage(failed.error)}</Banner>}
    </div>
  );
}
