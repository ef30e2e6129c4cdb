import { useState } from 'react';
import { formErrorOf } from '../../../lib/errors';
import { formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { ConfirmButton } from '../../../ui/Dialog';
import { TextField } from '../../../ui/Field';
import { Badge, Banner, Panel } from '../../../ui/Layout';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { useActionFeedback } from '../../../ui/Toast';
import { useFormatInstant } from '../dates';
import { proxyBaseUrl } from '../paths';
import type { CreatedKey, UsageKey } from '../types';

/** The user's proxy keys: a new one is shown once; a revoked one is refused from the next request on. */
export function KeysPanel({ userId, canWrite }: { userId: string; canWrite: boolean }) {
  const keys = trpc.usage.keys.list.useQuery({ userId });
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const formatInstant = useFormatInstant();
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [name, setName] = useState('');
  const refresh = () => {
    void utils.usage.keys.list.invalidate({ userId });
  };
  const create = trpc.usage.keys.create.useMutation({
    onSuccess: (key) => {
      setCreated(key);
      setName('');
      refresh();
    },
  });
  const revoke = trpc.usage.keys.revoke.useMutation({ onSettled: refresh });
  const columns: Column<UsageKey>[] = [
    {
      header: 'Chave',
      cell: (key) => (
        <div>
          <p className="font-medium text-zinc-900">{key.name || 'Sem nome'}</p>
          <p className="font-mono text-xs text-zinc-500">{key.preview}</p>
        </div>
      ),
    },
    { header: 'Criada', cell: (key) => <span className="whitespace-nowrap">{formatInstant(key.createdAt)}</span> },
    { header: 'Último uso', cell: (key) => <span className="whitespace-nowrap">{formatRelative(key.lastUsedAt)}</span> },
    {
      header: 'Situação',
      cell: (key) =>
        key.revokedAt ? (
          <span title={formatInstant(key.revokedAt)}>
            <Badge tone="red">Revogada</Badge>
          </span>
        ) : (
          <Badge tone="green">Ativa</Badge>
        ),
    },
    ...(canWrite
      ? [
          {
            header: 'Ações',
            className: 'text-right',
            cell: (key: UsageKey) =>
              key.revokedAt ? null : (
                <ConfirmButton
                  label="Revogar"
                  title={`Revogar a chave ${key.preview}?`}
                  message="Os programas que usam esta chave passam a ser recusados no próximo pedido. Não é possível desfazer."
                  confirmLabel="Revogar"
                  onConfirm={() => feedback(() => revoke.mutateAsync({ id: key.id }), 'Chave revogada')}
                />
              ),
          },
        ]
      : []),
  ];
  const createError = formErrorOf(create.error, []);
  return (
    <Panel
      title="Chaves do proxy"
      description={`Cada programa usa a chave com a URL base ${proxyBaseUrl()}, como numa conta da OpenAI.`}
      testId="usage-keys"
    >
      {canWrite && (
        <form
          aria-label="Nova chave"
          className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:flex-row sm:items-end"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ userId, ...(name.trim() ? { name: name.trim() } : {}) });
          }}
        >
          <div className="flex-1">
            <TextField
              label="Nome da chave (opcional)"
              autoComplete="off"
              placeholder="LibreChat"
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <Button type="submit" tone="primary" busy={create.isPending}>
            Criar chave
          </Button>
        </form>
      )}
      {createError && <Banner>{createError}</Banner>}
      <DataTable
        label="Chaves do proxy"
        testId="usage-keys-table"
        columns={columns}
        rows={keys.data}
        rowKey={(key) => key.id}
        loading={keys.isPending}
        empty={<EmptyOrError query={keys} title="Nenhuma chave" hint="Crie uma chave para o usuário usar a IA." />}
      />
      {created && <KeyCreatedDialog created={created} onClose={() => setCreated(null)} />}
    </Panel>
  );
}

/** The new key, this once: the server keeps only its digest. */
function KeyCreatedDialog({ created, onClose }: { created: CreatedKey; onClose: () => void }) {
  return (
    <ShownOnceDialog
      title="Chave criada"
      testId="key-created-dialog"
      warning="Copie a chave agora: ela não será mostrada novamente."
      onClose={onClose}
    >
      <LabelledSecret label="Chave do proxy" value={created.key} testId="created-key" />
      <LabelledSecret label="URL base" value={proxyBaseUrl()} testId="proxy-base-url" />
    </ShownOnceDialog>
  );
}
