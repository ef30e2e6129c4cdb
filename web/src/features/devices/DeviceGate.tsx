import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import {
  createDeviceClient,
  DeviceClientProvider,
  DeviceIdentityProvider,
  deviceRetryDelayMs,
  type DeviceClientHandle,
} from '../../lib/deviceClient';
import { enrollDevice, forget, load, normalizeEnrollmentCode, save, type DeviceCredential } from '../../lib/deviceSession';
import { errorCode, errorMessage } from '../../lib/errors';

interface DeviceGateProps {
  /** The device kind this page is for (`queue.kiosk`, `queue.display`). */
  kind: string;
  /** What the page is called on the enrollment screen (Totem, Painel). */
  title: string;
  children: ReactNode;
}

type GateState = { status: 'enroll' } | { status: 'session'; credential: DeviceCredential } | { status: 'disconnected' };

/**
 * A full-screen device page's credential: the enrollment form while none is stored, a
 * "desconectado" screen once the server refuses it, and otherwise the children, with the device's
 * client (useDeviceClient) and identity (useDeviceIdentity).
 */
export function DeviceGate({ kind, title, children }: DeviceGateProps) {
  const [state, setState] = useState<GateState>(() => {
    const credential = load(kind);
    return credential ? { status: 'session', credential } : { status: 'enroll' };
  });
  const enrollAgain = () => {
    forget(kind);
    setState({ status: 'enroll' });
  };
  if (state.status === 'enroll')
    return (
      <EnrollmentForm
        title={title}
        onEnrolled={(credential) => {
          save(kind, credential);
          setState({ status: 'session', credential });
        }}
      />
    );
  if (state.status === 'disconnected')
    return (
      <FullScreen>
        <h1 className="text-5xl font-bold">Dispositivo desconectado</h1>
        <p className="max-w-2xl text-2xl text-zinc-300">
          O cadastro deste {title.toLowerCase()} foi revogado ou não vale mais. Peça um novo código de cadastro no painel de administração.
        </p>
        <BigButton onClick={enrollAgain}>Cadastrar novamente</BigButton>
      </FullScreen>
    );
  return (
    <DeviceSession
      key={state.credential.token}
      kind={kind}
      credential={state.credential}
      onRevoked={() => setState({ status: 'disconnected' })}
      onForget={enrollAgain}
    >
      {children}
    </DeviceSession>
  );
}

function createDeviceQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        // A refused token ends the session (onRevoked); anything else is the network: keep trying.
        retry: (_failures, error) => !['UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST', 'NOT_FOUND'].includes(errorCode(error) ?? ''),
        retryDelay: deviceRetryDelayMs,
      },
    },
  });
}

interface DeviceSessionProps {
  kind: string;
  credential: DeviceCredential;
  onRevoked: () => void;
  onForget: () => void;
  children: ReactNode;
}

/** One credential's client and queries; remounted (fresh client and cache) for another credential. */
function DeviceSession({ kind, credential, onRevoked, onForget, children }: DeviceSessionProps) {
  // The device's own cache: the dashboard's is cleared whenever its (absent) user session ends.
  const [queryClient] = useState(createDeviceQueryClient);
  const [handle, setHandle] = useState<DeviceClientHandle | null>(null);
  const revokedHandler = useRef(onRevoked);
  useEffect(() => {
    revokedHandler.current = onRevoked;
  }, [onRevoked]);
  useEffect(() => {
    const created = createDeviceClient(credential.token, { onRevoked: () => revokedHandler.current() });
    setHandle(created);
    return () => {
      created.dispose();
      queryClient.cancelQueries().catch(() => undefined);
    };
  }, [credential.token, queryClient]);
  if (!handle) return <Connecting />;
  return (
    <QueryClientProvider client={queryClient}>
      <DeviceClientProvider client={handle.client}>
        <IdentityCheck kind={kind} handle={handle} onForget={onForget}>
          {children}
        </IdentityCheck>
      </DeviceClientProvider>
    </QueryClientProvider>
  );
}

function IdentityCheck({
  kind,
  handle,
  onForget,
  children,
}: {
  kind: string;
  handle: DeviceClientHandle;
  onForget: () => void;
  children: ReactNode;
}) {
  const me = useQuery({
    queryKey: ['device', 'me'],
    queryFn: () => handle.client.device.me.query(),
    staleTime: Infinity,
  });
  if (me.data) {
    if (me.data.kind !== kind)
      return (
        <FullScreen>
          <h1 className="text-5xl font-bold">Dispositivo de outro tipo</h1>
          <p className="max-w-2xl text-2xl text-zinc-300">
            Este aparelho foi cadastrado como <strong className="text-white">{me.data.kind}</strong>
            {me.data.name ? ` (${me.data.name})` : ''}, mas esta tela é para <strong className="text-white">{kind}</strong>.
          </p>
          <BigButton onClick={onForget}>Esquecer este cadastro</BigButton>
        </FullScreen>
      );
    return <DeviceIdentityProvider identity={me.data}>{children}</DeviceIdentityProvider>;
  }
  if (me.error && errorCode(me.error) === 'FORBIDDEN')
    return (
      <FullScreen>
        <h1 className="text-5xl font-bold">Acesso negado</h1>
        <p className="max-w-2xl text-2xl text-zinc-300">{errorMessage(me.error)}</p>
        <BigButton onClick={onForget}>Esquecer este cadastro</BigButton>
      </FullScreen>
    );
  // Still loading, retrying after a network failure, or about to show "desconectado" (UNAUTHORIZED).
  return <Connecting detail={me.error ? errorMessage(me.error) : undefined} />;
}

function Connecting({ detail }: { detail?: string }) {
  return (
    <FullScreen>
      <p className="text-4xl font-semibold" role="status">
        Conectando…
      </p>
      {detail && <p className="max-w-2xl text-xl text-zinc-400">{detail} Tentando de novo…</p>}
    </FullScreen>
  );
}

function codeFromUrl(): string {
  if (typeof location === 'undefined') return '';
  return new URLSearchParams(location.search).get('code') ?? '';
}

function EnrollmentForm({ title, onEnrolled }: { title: string; onEnrolled: (credential: DeviceCredential) => void }) {
  const [code, setCode] = useState(codeFromUrl);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (normalizeEnrollmentCode(code) === '') {
      setError('Informe o código de cadastro.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const credential = await enrollDevice(code, name);
      // The code is spent: do not leave it in the address bar (or in a reload).
      if (typeof history !== 'undefined' && new URLSearchParams(location.search).has('code')) {
        const url = new URL(location.href);
        url.searchParams.delete('code');
        history.replaceState(history.state, '', url);
      }
      onEnrolled(credential);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };
  return (
    <FullScreen>
      <form onSubmit={(event) => void submit(event)} className="flex w-full max-w-2xl flex-col gap-8 text-left">
        <div>
          <h1 className="text-5xl font-bold">{title}</h1>
          <p className="mt-3 text-2xl text-zinc-300">Cadastre este aparelho com o código gerado no painel de administração.</p>
        </div>
        <label className="flex flex-col gap-3">
          <span className="text-2xl font-medium">Código de cadastro</span>
          <input
            value={code}
            onChange={(event) => setCode(event.target.value.toUpperCase())}
            placeholder="ABCD-2345"
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            autoFocus
            maxLength={16}
            aria-invalid={error ? true : undefined}
            className="h-24 rounded-xl border-2 border-zinc-500 bg-zinc-900 px-6 text-center font-mono text-5xl tracking-[0.3em] text-white uppercase placeholder:text-zinc-600 focus:border-white focus:outline-none"
          />
        </label>
        <label className="flex flex-col gap-3">
          <span className="text-2xl font-medium">
            Nome do aparelho <span className="text-zinc-400">(opcional)</span>
          </span>
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="Ex.: Totem da entrada"
            maxLength={100}
            className="h-20 rounded-xl border-2 border-zinc-500 bg-zinc-900 px-6 text-3xl text-white placeholder:text-zinc-600 focus:border-white focus:outline-none"
          />
        </label>
        {error && (
          <p role="alert" className="rounded-xl bg-red-700 px-6 py-4 text-2xl font-medium text-white">
            {error}
          </p>
        )}
        <BigButton type="submit" disabled={busy}>
          {busy ? 'Cadastrando…' : 'Cadastrar'}
        </BigButton>
      </form>
    </FullScreen>
  );
}

function FullScreen({ children }: { children: ReactNode }) {
  return (
    <main className="flex h-screen w-screen flex-col items-center justify-center gap-8 overflow-auto bg-black p-10 text-center text-white">
      {children}
    </main>
  );
}

function BigButton({
  type = 'button',
  disabled,
  onClick,
  children,
}: {
  type?: 'button' | 'submit';
  disabled?: boolean;
  onClick?: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type={type}
      disabled={disabled}
      onClick={onClick}
      className="h-24 min-w-80 rounded-xl bg-white px-10 text-4xl font-bold text-black transition-colors hover:bg-zinc-200 focus-visible:outline-4 focus-visible:outline-offset-4 focus-visible:outline-white active:bg-zinc-300 disabled:cursor-not-allowed disabled:bg-zinc-500"
    >
      {children}
    </button>
  );
}
