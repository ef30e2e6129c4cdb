import { useState, type FormEvent } from 'react';
import { useSession } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Banner } from '../../ui/Layout';

const LAST_TENANT_KEY = 'balcao.lastTenant';

function readLastTenant(): string {
  try {
    return localStorage.getItem(LAST_TENANT_KEY) ?? '';
  } catch {
    return '';
  }
}

export function LoginPage({ notice }: { notice: string | null }) {
  const session = useSession();
  const [tenant, setTenant] = useState(readLastTenant);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      localStorage.setItem(LAST_TENANT_KEY, tenant.trim().toLowerCase());
      await session.login({ tenant, email, password });
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const fields = fieldErrorsOf(error);
  const formError = formErrorOf(error, ['tenant', 'email', 'password']);
  return (
    <main className="grid min-h-screen place-items-center bg-gradient-to-b from-zinc-100 to-zinc-50 px-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <div className="mx-auto grid size-10 place-items-center rounded-xl bg-zinc-900 text-lg font-bold text-white">B</div>
          <h1 className="text-xl font-semibold tracking-tight">Entrar no Balcão</h1>
          <p className="text-sm text-zinc-500">Use o endereço da sua empresa, seu e-mail e sua senha.</p>
        </div>
        <form onSubmit={(event) => void submit(event)} className="space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm" aria-label="Entrar">
          {notice && !error && <Banner tone="info">{notice}</Banner>}
          {formError && <Banner>{formError}</Banner>}
          <TextField label="Empresa" name="tenant" autoComplete="organization" placeholder="minha-empresa" required value={tenant} onChange={(e) => setTenant(e.target.value)} error={fields.tenant} />
          <TextField label="E-mail" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} />
          <TextField
            label="Senha"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fields.password}
          />
          <Button type="submit" tone="primary" busy={busy} className="w-full">
            Entrar
          </Button>
        </form>
      </div>
    </main>
  );
}
