import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { IssuedTicket } from '../../../../src/domains/queue/tickets';
import { useDeviceClient } from '../../lib/deviceClient';
import { errorMessage } from '../../lib/errors';
import { useQrCode } from '../../lib/useQrCode';
import { DeviceGate } from '../devices/DeviceGate';
import { choosePaper, ticketPrintLines, type PaperWidth } from './paper';

/** How long the issued ticket stays on screen before the kiosk is ready for the next person. */
const TICKET_SHOWN_MS = 8_000;

export function KioskPage() {
  return (
    <DeviceGate kind="queue.kiosk" title="Totem de senhas">
      <Kiosk />
    </DeviceGate>
  );
}

function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

type Step = { step: 'services' } | { step: 'priority'; serviceId: string; serviceName: string } | { step: 'ticket'; ticket: IssuedTicket };

function Kiosk() {
  const client = useDeviceClient();
  const [paper] = useState<PaperWidth>(() => choosePaper(location.search, browserStorage()));
  const [step, setStep] = useState<Step>({ step: 'services' });
  const kiosk = useQuery({
    queryKey: ['queue', 'kiosk', 'services'],
    queryFn: () => client.queue.kiosk.services.query(),
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
  });
  const issue = useMutation({
    mutationFn: (input: { serviceId: string; priority: string | null }) => client.queue.kiosk.issue.mutate(input),
    onSuccess: (ticket) => setStep({ step: 'ticket', ticket }),
    // The line and the open/closed state changed: show them as they are now.
    onSettled: () => void kiosk.refetch(),
  });
  const restart = () => {
    issue.reset();
    setStep({ step: 'services' });
  };

  if (!kiosk.data)
    return (
      <KioskScreen title="Totem de senhas">
        <p className="text-3xl text-zinc-300" role="status">
          {kiosk.error ? `${errorMessage(kiosk.error)} Tentando de novo…` : 'Carregando serviços…'}
        </p>
      </KioskScreen>
    );
  const { unit, services, priorities } = kiosk.data;
  const issueFor = (serviceId: string, priority: string | null) => issue.mutate({ serviceId, priority });

  if (step.step === 'ticket') return <IssuedTicketView ticket={step.ticket} paper={paper} onDone={restart} />;

  const failure = issue.error && (
    <p role="alert" className="rounded-xl bg-red-700 px-6 py-4 text-3xl font-semibold text-white">
      {errorMessage(issue.error)}
    </p>
  );

  if (step.step === 'priority')
    return (
      <KioskScreen title={unit.name} subtitle={`${step.serviceName}: escolha o tipo de atendimento`}>
        {failure}
        <div className="grid w-full max-w-4xl gap-5">
          <TouchButton disabled={issue.isPending} onClick={() => issueFor(step.serviceId, null)}>
            <span className="text-5xl font-bold">Normal</span>
          </TouchButton>
          {priorities.map((priority) => (
            <TouchButton key={priority.id} disabled={issue.isPending} onClick={() => issueFor(step.serviceId, priority.id)}>
              <span className="text-5xl font-bold">{priority.name}</span>
              {priority.description && <span className="text-2xl text-zinc-700">{priority.description}</span>}
            </TouchButton>
          ))}
        </div>
        <button type="button" onClick={restart} className="min-h-24 rounded-xl px-10 text-3xl font-semibold text-zinc-300 underline">
          Voltar
        </button>
      </KioskScreen>
    );

  return (
    <KioskScreen title={unit.name} subtitle="Toque no serviço desejado">
      {failure}
      {services.length === 0 && <p className="text-3xl text-zinc-300">Nenhum serviço disponível nesta unidade.</p>}
      <div className="grid w-full max-w-4xl gap-5">
        {services.map((service) => (
          <TouchButton
            key={service.id}
            disabled={!service.open || issue.isPending}
            onClick={() => {
              issue.reset();
              // Without priority categories there is nothing to choose: a normal ticket at once.
              if (priorities.length === 0) issueFor(service.id, null);
              else setStep({ step: 'priority', serviceId: service.id, serviceName: service.name });
            }}
          >
            <span className="text-5xl font-bold">{service.name}</span>
            {service.closedReason && <span className="text-2xl text-zinc-700">{service.closedReason}</span>}
          </TouchButton>
        ))}
      </div>
    </KioskScreen>
  );
}

function KioskScreen({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen w-screen flex-col items-center gap-10 bg-black p-10 text-center text-white">
      <header>
        <h1 className="text-6xl font-bold">{title}</h1>
        {subtitle && <p className="mt-4 text-4xl text-zinc-300">{subtitle}</p>}
      </header>
      {children}
    </main>
  );
}

function TouchButton({ disabled, onClick, children }: { disabled?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={onClick}
      className="flex min-h-24 w-full flex-col items-center justify-center gap-2 rounded-2xl bg-white px-8 py-6 text-black transition-colors active:bg-zinc-300 disabled:cursor-not-allowed disabled:bg-zinc-600 disabled:text-zinc-300"
    >
      {children}
    </button>
  );
}

/** The issued ticket, on screen and on paper (the print stylesheet prints only this), then back to the start. */
function IssuedTicketView({ ticket, paper, onDone }: { ticket: IssuedTicket; paper: PaperWidth; onDone: () => void }) {
  const qr = useQrCode(ticket.statusUrl, 240);
  const ready = qr.image !== null || qr.failed;
  // Printed once the QR code is drawn, so the paper carries it.
  useEffect(() => {
    if (ready) window.print();
  }, [ready]);
  const doneHandler = useRef(onDone);
  useEffect(() => {
    doneHandler.current = onDone;
  }, [onDone]);
  // One timer per ticket: the kiosk re-rendering (its services refetched) does not restart it.
  useEffect(() => {
    const timer = setTimeout(() => doneHandler.current(), TICKET_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [ticket.ticketId]);
  return (
    <main
      className="flex min-h-screen w-screen cursor-pointer flex-col items-center justify-center gap-8 bg-black p-10 text-white print:block print:min-h-0 print:w-auto print:bg-white print:p-0"
      onClick={onDone}
    >
      <p className="text-4xl font-semibold print:hidden">Retire sua senha</p>
      <section
        data-testid="kiosk-ticket"
        data-paper={paper}
        aria-label="Senha emitida"
        className="kiosk-ticket flex w-full max-w-2xl flex-col items-center gap-4 rounded-2xl bg-white p-10 text-center text-black"
      >
        <p className="text-3xl font-semibold">{ticket.unitName}</p>
        <p data-testid="ticket-code" className="font-mono text-9xl font-black tracking-wider">
          {ticket.code}
        </p>
        {ticketPrintLines(ticket).map((line) => (
          <p key={line} className="text-3xl">
            {line}
          </p>
        ))}
        {qr.image && <img src={qr.image} alt="QR code para acompanhar a senha" width={240} height={240} />}
        <p className="text-xl">Acompanhe sua senha pelo celular</p>
      </section>
      <p className="text-2xl text-zinc-400 print:hidden">Toque na tela para voltar ao início</p>
    </main>
  );
}
