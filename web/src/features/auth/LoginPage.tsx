import { useState, type FormEvent } from 'react';
import { useSession } from '../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Banner } from '../../ui/Layout';
import { AUTH_CARD, AuthFrame } from './AuthFrame';
import { readLastTenant, rememberTenant } from './lastTenant';

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
      rememberTenant(tenant);
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
    <AuthFrame title="Entrar no Balcão" subtitle="Use o endereço da sua empresa, seu e-mail e sua senha.">
      <form onSubmit={(event) => void submit(event)} className={AUTH_CARD} aria-label="Entrar">
        {notice && !error && <Banner tone="info">{notice}</Banner>}
        {formError && <Banner>{formError}</Banner>}
        <TextField
          label="Empresa"
          name="tenant"
          autoComplete="organization"
          placeholder="minha-empresa"
          required
          value={tenant}
          onChange={(e) => setTenant(e.target.value)}
          error={fields.tenant}
        />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
        />
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
    </AuthFrame>
  );
}
