import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { TextField } from '../../../ui/Field';
import { Badge, Panel } from '../../../ui/Layout';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { addDays, isoWithOffset, useTenantTimeZone } from '../../agenda/zonedTime';
import { useFormatInstant } from '../dates';
import { formatTokens } from '../format';
import type { Grant, UsageUser } from '../types';

const FIELDS = ['amount', 'reason', 'expiresAt'];
const EMPTY = { amount: '', reason: '', expiresOn: '' };

/** Extra tokens for the user ("Conceder tokens") and the grants so far; a grant that brings the user under the block lifts it. */
export function GrantTokens({ user, canWrite }: { user: UsageUser; canWrite: boolean }) {
  const grants = trpc.usage.users.grants.useQuery({ id: user.id });
  const formatInstant = useFormatInstant();
  const columns: Column<Grant>[] = [
    { header: 'Quando', cell: (grant) => <span className="whitespace-nowrap">{formatInstant(grant.createdAt)}</span> },
    { header: 'Tokens', cell: (grant) => <span className="tabular-nums">{formatTokens(grant.amount)}</span> },
    {
      header: 'Restam',
      cell: (grant) => (
        <span className="inline-flex items-center gap-1.5 tabular-nums">
          {formatTokens(grant.remaining)}
          {grant.expired && <Badge tone="zinc">expirado</Badge>}
        </span>
      ),
    },
    {
      header: 'Validade',
      cell: (grant) => <span className="whitespace-nowrap">{grant.expiresAt ? formatInstant(grant.expiresAt) : 'sem validade'}</span>,
    },
    {
      header: 'Motivo',
      cell: (grant) => (
        <div>
          <p className="text-zinc-900">{grant.reason}</p>
          <p className="text-xs text-zinc-500">por {grant.grantedBy}</p>
        </div>
      ),
    },
  ];
  return (
    <div className="space-y-4">
      {canWrite && <GrantTokensForm user={user} />}
      <Panel title="Tokens concedidos">
        <DataTable
          label="Tokens concedidos"
          testId="usage-grants-table"
          columns={columns}
          rows={grants.data}
          rowKey={(grant) => grant.id}
          loading={grants.isPending}
          empty={<EmptyOrError query={grants} title="Nenhuma concessão" />}
        />
      </Panel>
    </div>
  );
}

function GrantTokensForm({ user }: { user: UsageUser }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const timeZone = useTenantTimeZone();
  const form = useFormValues(EMPTY);
  const numbers = useNumberChecks();
  const grant = trpc.usage.users.grantTokens.useMutation({
    onSuccess: (saved, input) => {
      toast.success(`${formatTokens(input.amount)} tokens concedidos a ${saved.name}`);
      form.reset();
      utils.usage.users.get.setData({ id: saved.id }, saved);
      void utils.usage.users.grants.invalidate({ id: saved.id });
      void utils.usage.users.list.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(grant.error), ...numbers.errors };
  const submit = () => {
    const amount = wholeNumber(form.values.amount);
    if (!numbers.allValid({ amount }, { amount: 'Quantidade: informe um número inteiro de tokens' })) return;
    const { reason, expiresOn } = form.values;
    // Valid through the whole chosen day, on the company's clock.
    const expiresAt = expiresOn ? isoWithOffset({ date: addDays(expiresOn, 1), time: '00:00' }, timeZone) : undefined;
    grant.mutate({ id: user.id, amount, reason: reason.trim(), ...(expiresAt ? { expiresAt } : {}) });
  };
  return (
    <MutationFormCard
      title="Conceder tokens"
      description="Tokens além do limite mensal; gastos depois do limite, os que vencem antes primeiro."
      submitLabel="Conceder tokens"
      mutation={grant}
      fields={FIELDS}
      onSubmit={submit}
      testId="usage-grant-form"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Quantidade (tokens)" type="number" min={1} inputMode="numeric" {...form.bind('amount')} error={errors.amount} />
        <TextField
          label="Validade (opcional)"
          type="date"
          {...form.bind('expiresOn')}
          error={errors.expiresAt}
          hint="Sem data, não vence."
        />
      </div>
      <TextField label="Motivo" autoComplete="off" placeholder="Projeto especial de março" {...form.bind('reason')} error={errors.reason} />
    </MutationFormCard>
  );
}
