import { useParams } from 'react-router';
import type { PublicTicketStatus } from '../../../../src/domains/queue/public-status';
import { errorCode, errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { positionText, statusText, waitText } from './ticketText';

/** While the live feed is down, the status is read again this often. */
const FALLBACK_POLL_MS = 15_000;

const FINISHED = ['completed', 'no_show', 'cancelled'];

const isMissing = (error: unknown) => ['NOT_FOUND', 'BAD_REQUEST'].includes(errorCode(error) ?? '');

/** A customer's ticket on their phone, by the public code of its QR: no login, updated live. */
export function PublicTicketPage() {
  const { publicCode = '' } = useParams();
  const utils = trpc.useUtils();
  const input = { publicCode };
  const watch = trpc.queue.public.watch.useSubscription(input, {
    onData: (status) => utils.queue.public.ticket.setData(input, status),
  });
  const ticket = trpc.queue.public.ticket.useQuery(input, {
    // An unknown code stays unknown: no polling for it.
    refetchInterval: (query) => (watch.status === 'error' && !isMissing(query.state.error) ? FALLBACK_POLL_MS : false),
  });
  const missing = isMissing(ticket.error);

  return (
    <main className="min-h-screen bg-zinc-50 px-5 py-8 text-zinc-900">
      <div className="mx-auto flex max-w-md flex-col gap-6">
        {ticket.data ? (
          <TicketStatus status={ticket.data} live={watch.status === 'pending'} />
        ) : missing ? (
          <section className="rounded-2xl bg-white p-8 text-center shadow-sm">
            <h1 className="text-2xl font-bold">Senha não encontrada</h1>
            <p className="mt-2 text-zinc-600">Confira o endereço do QR code impresso na sua senha.</p>
          </section>
        ) : (
          <p role="status" className="text-center text-zinc-600">
            {ticket.error ? errorMessage(ticket.error) : 'Carregando sua senha…'}
          </p>
        )}
      </div>
    </main>
  );
}

function TicketStatus({ status, live }: { status: PublicTicketStatus; live: boolean }) {
  const waiting = status.status === 'waiting' && !status.expired;
  const called = status.status === 'called';
  return (
    <>
      <section className={`rounded-2xl p-6 text-center shadow-sm ${called ? 'bg-yellow-300' : 'bg-white'}`} aria-label="Sua senha">
        <p className="text-sm font-medium tracking-wide text-zinc-600 uppercase">{status.unitName}</p>
        <h1 data-testid="public-code" className="my-2 font-mono text-7xl font-black">
          {status.code}
        </h1>
        <p className="text-lg">
          {status.serviceName}
          {status.priority ? ` — ${status.priority}` : ''}
        </p>
        <p data-testid="public-status" className={`mt-4 text-2xl font-bold ${called ? 'text-black' : 'text-zinc-900'}`} aria-live="polite">
          {statusText(status)}
        </p>
      </section>
      {waiting && (
        <section className="rounded-2xl bg-white p-6 text-center shadow-sm">
          <p data-testid="public-position" className="text-2xl font-semibold">
            {positionText(status.position)}
          </p>
          <p className="mt-2 text-zinc-600">Espera estimada: {waitText(status.estimatedWaitMin)}</p>
        </section>
      )}
      {/* A finished ticket changes no more: its feed ends, and nothing is said about updates. */}
      {!FINISHED.includes(status.status) && !status.expired && (
        <p className="flex items-center justify-center gap-2 text-sm text-zinc-500">
          <span className={`size-2.5 rounded-full ${live ? 'bg-green-500' : 'bg-zinc-400'}`} aria-hidden />
          {live ? 'Atualizando ao vivo' : 'Atualizando…'}
        </p>
      )}
    </>
  );
}
