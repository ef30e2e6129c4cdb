import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession, useSessionState } from '../../app/providers';
import { errorReason, fieldErrorsOf, formErrorOf } from '../../lib/errors';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Banner } from '../../ui/Layout';
import { AUTH_CARD, AuthFrame } from './AuthFrame';
import { clearInvitationFromAddress, readInvitationToken } from './invitationLink';

/** The server's minimum (PASSWORD_MIN_LENGTH); it checks again. */
const PASSWORD_MIN_LENGTH = 8;

function isInvalidInvitation(error: unknown): boolean {
  return errorReason(error) === 'INVALID_INVITATION' || fieldErrorsOf(error).token !== undefined;
}

function checkPasswords(password: string, confirmation: string): { password?: string; confirmation?: string } {
  if (password.length < PASSWORD_MIN_LENGTH) return { password: `A senha precisa de ao menos ${PASSWORD_MIN_LENGTH} caracteres` };
  if (password !== confirmation) return { confirmation: 'As senhas não coincidem' };
  return {};
}

/**
 * Public page (`/convite#<token>`): the invited person chooses a password and is signed in, as by
 * the login form. The token is read from the fragment once, then taken out of the address bar.
 */
export function InvitePage() {
  const session = useSession();
  const navigate = useNavigate();
  const state = useSessionState();
  const [token] = useState(readInvitationToken);
  useEffect(clearInvitationFromAddress, []);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [checks, setChecks] = useState<{ password?: string; confirmation?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState(token === null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = checkPasswords(password, confirmation);
    setChecks(problems);
    setError(null);
    if (!token || Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      await session.acceptInvite({ token, password });
      navigate('/', { replace: true });
    } catch (failure) {
      if (isInvalidInvitation(failure)) setInvalid(true);
      setError(failure);
      setPassword('');
      setConfirmation('');
    } finally {
      setBusy(false);
    }
  };

  if (invalid) {
    return (
      <AuthFrame title="Convite indisponível" subtitle="Não foi possível usar este link.">
        <div className={AUTH_CARD} data-testid="invalid-invitation">
          <Banner>Este convite é inválido, já foi usado ou expirou. Peça um novo link a quem convidou você.</Banner>
          <p className="text-sm text-zinc-600">
            Se você já definiu sua senha,{' '}
            <Link to="/" className="font-medium text-zinc-900 underline underline-offset-2">
              entre pela página de login
            </Link>
            .
          </p>
        </div>
      </AuthFrame>
    );
  }

  if (state.status === 'signedIn' && !busy) {
    return (
      <AuthFrame title="Aceitar convite" subtitle="Há uma sessão aberta neste navegador.">
        <div className={AUTH_CARD}>
          <Banner tone="info">Você já está conectado(a) com outra conta. Para aceitar o convite, saia dela primeiro.</Banner>
          <div className="flex justify-end gap-2">
            <Button tone="ghost" onClick={() => navigate('/')}>
              Voltar ao painel
            </Button>
            <Button tone="primary" onClick={() => void session.logout().catch(() => undefined)}>
              Sair e continuar
            </Button>
          </div>
        </div>
      </AuthFrame>
    );
  }

  const fields = fieldErrorsOf(error);
  const formError = formErrorOf(error, ['password']);
  return (
    <AuthFrame title="Aceitar convite" subtitle="Escolha a senha com que você vai entrar no Balcão.">
      <form onSubmit={(event) => void submit(event)} className={AUTH_CARD} aria-label="Aceitar convite" noValidate>
        {formError && <Banner>{formError}</Banner>}
        <TextField
          label="Nova senha"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={checks.password ?? fields.password}
          hint={`Ao menos ${PASSWORD_MIN_LENGTH} caracteres.`}
        />
        <TextField
          label="Repita a senha"
          name="confirmation"
          type="password"
          autoComplete="new-password"
          required
          value={confirmation}
          onChange={(e) => setConfirmation(e.target.value)}
          error={checks.confirmation}
        />
        <Button type="submit" tone="primary" busy={busy} className="w-full">
          Definir senha e entrar
        </Button>
      </form>
    </AuthFrame>
  );
}
