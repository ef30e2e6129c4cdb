import { useEffect, useRef, useState } from 'react';
import { useDeviceClient } from '../../lib/deviceClient';
import { DeviceGate } from '../devices/DeviceGate';
import { callAnnouncement, deskLabel } from './announcement';
import { playChime, speak, unlockAudio } from './chime';
import { applyDisplayFrame, EMPTY_SCREEN, type DisplayCall, type DisplayFrame, type DisplayScreen } from './displayScreen';

const HEARTBEAT_MS = 20_000;
const STREAM_RETRY_MS = 3_000;
/** The chime's two tones last about this long; the voice starts after them. */
const CHIME_MS = 1_000;

export function DisplayPage() {
  return (
    <DeviceGate kind="queue.display" title="Painel de chamadas">
      <Display />
    </DeviceGate>
  );
}

/** A tracked frame comes as { id, data }; the opening state frame is not tracked. */
function frameOf(value: DisplayFrame | { id: string; data: DisplayFrame }): DisplayFrame {
  return 'data' in value ? value.data : value;
}

function announce(call: DisplayCall) {
  playChime();
  const text = callAnnouncement(call);
  setTimeout(() => speak(text), CHIME_MS);
}

function Display() {
  const client = useDeviceClient();
  const [screen, setScreen] = useState<DisplayScreen>(EMPTY_SCREEN);
  const [live, setLive] = useState(false);
  const [soundOn, setSoundOn] = useState(false);
  const screenRef = useRef(screen);

  // A stream that ended with an error (not a dropped socket, which the client resumes itself) is opened again.
  const [streamAttempt, setStreamAttempt] = useState(0);
  useEffect(() => {
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscription = client.queue.display.stream.subscribe(
      {},
      {
        onData: (value) => {
          const { screen: next, announce: call } = applyDisplayFrame(screenRef.current, frameOf(value));
          screenRef.current = next;
          setScreen(next);
          setLive(true);
          if (call) announce(call);
        },
        onConnectionStateChange: (state) => setLive(state.state === 'pending'),
        onError: () => {
          setLive(false);
          retry = setTimeout(() => setStreamAttempt((attempt) => attempt + 1), STREAM_RETRY_MS);
        },
      },
    );
    return () => {
      clearTimeout(retry);
      subscription.unsubscribe();
    };
  }, [client, streamAttempt]);

  const showingTicketId = screen.current?.ticketId ?? null;
  const showing = useRef(showingTicketId);
  useEffect(() => {
    showing.current = showingTicketId;
  }, [showingTicketId]);
  useEffect(() => {
    const beat = () => void client.queue.display.heartbeat.mutate({ showingTicketId: showing.current }).catch(() => undefined);
    beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [client]);

  return (
    <main className="relative flex h-screen w-screen flex-col overflow-hidden bg-black text-white">
      <header className="flex items-center justify-between border-b-4 border-yellow-300 px-12 py-6">
        <h1 className="text-5xl font-bold">{screen.unitName || 'Painel de chamadas'}</h1>
        <div className="flex items-center gap-8">
          <ConnectionDot live={live} />
          <Clock />
        </div>
      </header>
      <section aria-label="Chamada atual" className="flex flex-1 flex-col items-center justify-center gap-6 text-center">
        {screen.current ? (
          <>
            <p className="text-5xl font-semibold text-zinc-300">Senha</p>
            <p data-testid="current-code" className="font-mono text-[12rem] leading-none font-black text-yellow-300">
              {screen.current.code}
            </p>
            <p data-testid="current-desk" className="text-8xl font-bold">
              {deskLabel(screen.current)}
            </p>
            <p className="text-4xl text-zinc-300">{screen.current.serviceName}</p>
          </>
        ) : (
          <p className="text-6xl text-zinc-400">Aguardando chamadas</p>
        )}
      </section>
      <section aria-label="Últimas chamadas" className="border-t-4 border-yellow-300 px-12 py-6">
        <h2 className="mb-4 text-3xl font-semibold text-zinc-300">Últimas chamadas</h2>
        <ol className="grid grid-cols-5 gap-6" data-testid="recent-calls">
          {screen.recent.map((call) => (
            <li key={call.ticketId} className="rounded-xl bg-zinc-900 px-4 py-4 text-center">
              <p className="font-mono text-5xl font-black text-yellow-300">{call.code}</p>
              <p className="mt-2 text-3xl">{deskLabel(call)}</p>
            </li>
          ))}
        </ol>
      </section>
      {!soundOn && (
        <button
          type="button"
          onClick={() => {
            void unlockAudio();
            setSoundOn(true);
          }}
          className="absolute top-32 left-1/2 -translate-x-1/2 rounded-full bg-yellow-300 px-12 py-5 text-4xl font-bold text-black shadow-2xl"
        >
          Toque para ativar o som
        </button>
      )}
    </main>
  );
}

function ConnectionDot({ live }: { live: boolean }) {
  return (
    <span role="status" data-testid="connection" data-live={live} className="flex items-center gap-3 text-2xl">
      <span className={`size-5 rounded-full ${live ? 'bg-green-500' : 'bg-red-600'}`} aria-hidden />
      <span className={live ? 'sr-only' : 'text-red-400'}>{live ? 'conectado' : 'reconectando'}</span>
    </span>
  );
}

const clockFormat = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit' });

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={now.toISOString()} className="font-mono text-5xl font-bold tabular-nums">
      {clockFormat.format(now)}
    </time>
  );
}
