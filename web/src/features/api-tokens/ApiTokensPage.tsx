import { useState } from 'react';
import { useCan } from '../../app/providers';
import { formatDateTime, formatRelative } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { DataTable, type Column } from '../../ui/DataTable';
import { ConfirmButton } from '../../ui/Dialog';
import { Badge, EmptyState, PageHeader, Panel, WithSideColumn } from '../../ui/Layout';
import { useActionFeedback } from '../../ui/Toast';
import { CreateTokenForm } from './CreateTokenForm';
import { TokenCreatedDialog } from './TokenCreatedDialog';

type ApiToken = RouterOutputs['apiTokens']['list'][number];
type CreatedToken = RouterOutputs['apiTokens']['create'];

const STATUS: Record<ApiToken['status'], { label: string; tone: 'green' | 'amber' | 'red' }> = {
  active: { label: 'Ativo', tone: 'green' },
  expired: { label: 'Expirado', tone: 'amber' },
  revoked: { label: 'Revogado', tone: 'red' },
};

export function ApiTokensPage() {
  const canWrite = useCan('identity.apiTokens.write');
  const tokens = trpc.apiTokens.list.useQuery();
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const revoke = trpc.apiTokens.revoke.useMutation({ onSettled: () => utils.apiTokens.list.invalidate() });
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const columns: Column<ApiToken>[] = [
    {
      header: 'Nome',
      cell: (token) => (
        <div>
          <p className="font-medium text-zinc-900">{token.name}</p>
          <p className="font-mono text-xs text-zinc-500">{token.prefix}…</p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (token) => (
        <span data-testid="token-status">
          <Badge tone={STATUS[token.status].tone}>{STATUS[token.status].label}</Badge>
        </span>
      ),
    },
    {
      header: 'Escopos',
      cell: (token) => (
        <span className="font-mono text-xs" title={token.scopes.join('\n')}>
          {token.scopes.length === 1 ? token.scopes[0] : `${token.scopes.length} escopos`}
        </span>
      ),
    },
    { header: 'Último uso', cell: (token) => <span className="whitespace-nowrap">{formatRelative(token.lastUsedAt)}</span> },
    {
      header: 'Validade',
      cell: (token) => <span className="whitespace-nowrap">{token.expiresAt ? formatDateTime(token.expiresAt) : 'sem validade'}</span>,
    },
    {
      header: 'Ações',
      className: 'text-right',
      cell: (token) =>
        canWrite && token.status === 'active' ? (
          <ConfirmButton
            label="Revogar"
            title={`Revogar o token ${token.name}?`}
            message="Os sistemas que usam este token deixam de ter acesso na hora. Não é possível desfazer."
            confirmLabel="Revogar"
            onConfirm={() => feedback(() => revoke.mutateAsync({ id: token.id }), `Token ${token.name} revogado`)}
          />
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title="Tokens de API" description="Credenciais para sistemas externos (ERP, CRM, automações) chamarem a API v1." />
      <WithSideColumn
        main={
          <Panel title="Tokens">
            <DataTable
              label="Tokens de API"
              testId="tokens-table"
              columns={columns}
              rows={tokens.data}
              rowKey={(token) => token.id}
              loading={tokens.isPending}
              empty={<EmptyState title="Nenhum token criado" hint="Crie um token para integrar outro sistema." />}
            />
          </Panel>
        }
        side={canWrite && <CreateTokenForm onCreated={setCreated} />}
      />
      {created && <TokenCreatedDialog token={created} onClose={() => setCreated(null)} />}
    </>
  );
}
