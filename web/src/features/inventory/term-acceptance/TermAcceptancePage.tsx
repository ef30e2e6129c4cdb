import { useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { errorMessage, errorReason, fieldErrorsOf, formErrorOf } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { TextField } from '../../../ui/Field';
import { Banner } from '../../../ui/Layout';

type PublicTerm = RouterOutputs['inventory']['publicTerms']['get'];

const reais = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** An instant on the company's clock, as the printed term shows it. */
const onCompanyClock = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(new Date(iso));

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-2" aria-label={title}>
      <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{title}</h2>
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">{children}</dl>
    </section>
  );
}

function Line({ label, value }: { label: string; value: string | null }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-zinc-900">{value ?? '—'}</dd>
    </>
  );
}

/** What the term says, as issued (the PDF prints the same, with the same SHA-256). */
function TermText({ term }: { term: PublicTerm }) {
  const { asset, borrower, loan } = term.content;
  return (
    <article className="space-y-6 rounded-2xl bg-white p-6 shadow-sm" aria-label="Termo de responsabilidade">
      <header>
        <p className="text-sm text-zinc-500">{term.content.company}</p>
        <h1 className="text-2xl font-bold text-zinc-900">Termo de responsabilidade</h1>
        <p className="text-sm text-zinc-600">
          Empréstimo de bem patrimonial {loan.type === 'loan_internal' ? 'a colaborador' : 'a terceiro'}
        </p>
      </header>
      <Section title="Bem">
        <Line label="Etiqueta" value={asset.tag} />
        <Line label="Descrição" value={asset.name} />
        <Line label="Número de série" value={asset.serialNumber} />
        <Line label="Patrimônio" value={asset.patrimonio} />
        <Line label="Valor" value={asset.valueCents === null ? null : reais.format(asset.valueCents / 100)} />
        <Line label="Retirado de" value={loan.fromLocation} />
      </Section>
      <Section title="Responsável">
        <Line label="Nome" value={borrower.name} />
        <Line label="Documento" value={borrower.document} />
        <Line label="E-mail" value={borrower.email} />
        <Line label="Telefone" value={borrower.phone} />
      </Section>
      <Section title="Prazo">
        <Line label="Emitido em" value={onCompanyClock(loan.issuedAt, loan.timeZone)} />
        <Line label="Devolver até" value={onCompanyClock(loan.dueDate, loan.timeZone)} />
      </Section>
      <section className="space-y-2" aria-label="Cláusulas">
        <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Cláusulas</h2>
        <ol className="list-decimal space-y-2 pl-5 text-sm text-zinc-800">
          {term.content.clauses.map((clause) => (
            <li key={clause}>{clause}</li>
          ))}
        </ol>
      </section>
      <p className="font-mono text-xs break-all text-zinc-500">SHA-256 do conteúdo: {term.contentSha256}</p>
    </article>
  );
}

function AcceptForm({ token, term }: { token: string; term: PublicTerm }) {
  const utils = trpc.useUtils();
  const [signerName, setSignerName] = useState(term.content.borrower.name);
  const [agreed, setAgreed] = useState(false);
  const accept = trpc.inventory.publicTerms.accept.useMutation({
    onSuccess: () => void utils.inventory.publicTerms.get.invalidate({ token }),
  });
  const errors = fieldErrorsOf(accept.error);
  const banner = formErrorOf(accept.error, ['signerName', 'agreed']);
  return (
    <form
      aria-label="Aceite do termo"
      noValidate
      className="space-y-4 rounded-2xl bg-white p-6 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        accept.mutate({ token, signerName, agreed: agreed as true });
      }}
    >
      {banner && <Banner>{banner}</Banner>}
      <TextField
        label="Seu nome completo"
        autoComplete="name"
        value={signerName}
        onChange={(event) => setSignerName(event.target.value)}
        error={errors.signerName}
      />
      <CheckboxField
        label="Li o termo e aceito as responsabilidades"
        description="Seu nome, a data, a hora e o endereço IP desta conexão ficam registrados no termo."
        checked={agreed}
        onChange={setAgreed}
      />
      {errors.agreed && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {errors.agreed}
        </p>
      )}
      <Button type="submit" tone="primary" busy={accept.isPending} className="w-full">
        Aceitar termo
      </Button>
    </form>
  );
}

const UNREACHABLE: Record<string, string> = {
  TERM_LINK_NOT_FOUND: 'Link de aceite não encontrado. Confira o endereço recebido.',
  INVALID_INPUT: 'Link de aceite não encontrado. Confira o endereço recebido.',
};

/** The borrower's page, opened from the link: read the term and accept it, no login. */
export function TermAcceptancePage() {
  const { token = '' } = useParams();
  const term = trpc.inventory.publicTerms.get.useQuery({ token }, { retry: false });
  return (
    <main className="min-h-screen bg-zinc-50 px-4 py-8 text-zinc-900">
      <div className="mx-auto flex max-w-2xl flex-col gap-6">
        {term.isPending && <p role="status">Carregando o termo…</p>}
        {term.isError && (
          <section className="rounded-2xl bg-white p-8 text-center shadow-sm">
            <h1 className="text-xl font-bold">Termo indisponível</h1>
            <p className="mt-2 text-zinc-600" data-testid="term-unavailable">
              {UNREACHABLE[errorReason(term.error) ?? ''] ?? errorMessage(term.error)}
            </p>
          </section>
        )}
        {term.data && (
          <>
            <TermText term={term.data} />
            {term.data.status === 'pending' && <AcceptForm token={token} term={term.data} />}
            {term.data.status === 'accepted' && term.data.acceptedAt && (
              <Banner tone="info">
                <span data-testid="term-accepted">
                  Termo aceito por {term.data.signerName} em {onCompanyClock(term.data.acceptedAt, term.data.content.loan.timeZone)}.
                </span>
              </Banner>
            )}
            {term.data.status === 'void' && <Banner>Este termo foi substituído ou cancelado; fale com quem fez o empréstimo.</Banner>}
          </>
        )}
      </div>
    </main>
  );
}
