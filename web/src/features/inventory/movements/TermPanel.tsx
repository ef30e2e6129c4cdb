import { useState, type ChangeEvent } from 'react';
import { useSession } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { Badge, Banner, Card, Panel } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { TERM_STATUS_LABELS } from './labels';
import { SignatureDialog } from './SignatureDialog';
import { downloadTermPdf, fileAsBase64 } from './termDownload';
import type { MovementTerm, MovementView } from './types';

const METHOD_LABELS = { signature_pad: 'assinado na tela', link: 'aceito pelo link' } as const;

function Hash({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="font-mono text-xs break-all text-zinc-700">{value}</dd>
    </div>
  );
}

/** Checks a copy of the PDF against the stored SHA-256: a file changed after signing does not match. */
function VerifyCopy({ term }: { term: MovementTerm }) {
  const verify = trpc.inventory.terms.verify.useMutation();
  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) verify.mutate({ termId: term.id, pdfBase64: await fileAsBase64(file) });
  };
  return (
    <div className="space-y-2">
      <TextField label="Conferir uma cópia do PDF" type="file" accept="application/pdf" onChange={(event) => void pick(event)} />
      {verify.error && <Banner>{errorMessage(verify.error)}</Banner>}
      {verify.data && (
        <Banner tone={verify.data.valid ? 'info' : 'error'}>
          <span data-testid="term-verify-result">
            {verify.data.valid
              ? 'O PDF confere com o termo registrado.'
              : `O PDF não confere: foi alterado ou não é este termo (SHA-256 ${verify.data.actualSha256.slice(0, 16)}…).`}
          </span>
        </Banner>
      )}
    </div>
  );
}

/** The loan's responsibility term: download, sign on the pad, send a link, check a copy. */
export function TermPanel({ movement }: { movement: MovementView }) {
  const session = useSession();
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const [signing, setSigning] = useState(false);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const term = movement.terms.find((candidate) => candidate.status !== 'void') ?? movement.terms[0];
  const handles = movement.actions.includes('execute') || movement.actions.includes('approve');
  const acceptable = term?.status === 'pending' && movement.status === 'approved' && handles;
  const createLink = trpc.inventory.terms.createAcceptanceLink.useMutation({
    onSuccess: (created) => {
      setLink(created);
      void utils.inventory.movements.get.invalidate({ id: movement.id });
    },
  });
  const issue = trpc.inventory.terms.issue.useMutation({ onSuccess: () => void utils.inventory.movements.invalidate() });

  if (!term) {
    return (
      <Panel title="Termo de responsabilidade" testId="term-panel">
        <Card className="space-y-3">
          <p className="text-sm text-zinc-600">O termo é gerado quando o empréstimo é aprovado.</p>
          {handles && movement.status === 'requested' && (
            <Button
              busy={issue.isPending}
              onClick={() => void feedback(() => issue.mutateAsync({ movementId: movement.id }), 'Termo gerado')}
            >
              Gerar termo agora
            </Button>
          )}
        </Card>
      </Panel>
    );
  }

  return (
    <Panel title="Termo de responsabilidade" testId="term-panel">
      <Card className="space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={term.status === 'accepted' ? 'green' : term.status === 'pending' ? 'amber' : 'zinc'}>
            <span data-testid="term-status">{TERM_STATUS_LABELS[term.status]}</span>
          </Badge>
          {term.acceptedAt && (
            <span className="text-sm text-zinc-600" data-testid="term-acceptance">
              {METHOD_LABELS[term.acceptanceMethod ?? 'link']} por {term.signerName} em {formatDateTime(term.acceptedAt)}
              {term.acceptedIp ? ` (IP ${term.acceptedIp})` : ''}
            </span>
          )}
        </div>
        <dl className="grid gap-2">
          <Hash label="SHA-256 do conteúdo (impresso no termo)" value={term.contentSha256} />
          <Hash label={term.status === 'accepted' ? 'SHA-256 do PDF assinado' : 'SHA-256 do PDF'} value={term.pdfSha256} />
        </dl>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => void feedback(() => downloadTermPdf(session, term.id), 'Download do termo iniciado')}>Baixar PDF</Button>
          {acceptable && (
            <>
              <Button tone="primary" onClick={() => setSigning(true)}>
                Assinar na tela
              </Button>
              <Button busy={createLink.isPending} onClick={() => createLink.mutate({ termId: term.id })}>
                Gerar link de aceite
              </Button>
            </>
          )}
        </div>
        {createLink.error && <Banner>{errorMessage(createLink.error)}</Banner>}
        {link && term.status === 'pending' && (
          <div className="space-y-1">
            <TextField label="Link de aceite" readOnly value={link.url} onFocus={(event) => event.target.select()} />
            <p className="text-xs text-zinc-500">
              Envie ao tomador: ele abre sem login, lê e aceita. Vale até {formatDateTime(link.expiresAt)}; um novo link substitui este.
            </p>
          </div>
        )}
        {!link && term.linkExpiresAt && term.status === 'pending' && (
          <p className="text-xs text-zinc-500">Há um link de aceite enviado, válido até {formatDateTime(term.linkExpiresAt)}.</p>
        )}
        <VerifyCopy term={term} />
      </Card>
      {signing && <SignatureDialog termId={term.id} borrowerName={movement.loan?.borrowerName ?? ''} onClose={() => setSigning(false)} />}
    </Panel>
  );
}
