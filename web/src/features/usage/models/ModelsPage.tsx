import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, Banner, PageHeader, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useToast } from '../../../ui/Toast';
import { useFormatInstant } from '../dates';
import { formatLatency, formatPercent, formatTokenCost, formatTokens, formatUsd, perMillionTokens } from '../format';
import { MODEL_STATUSES } from '../labels';
import { useUsageLiveQueries } from '../liveEvents';
import type { UsageModel } from '../types';
import { ModelDialog } from './ModelDialog';

/** A cost per token, and per million tokens below it (exact: the API's decimal string, shifted). */
export function TokenCost({ cost }: { cost: string }) {
  return (
    <div className="tabular-nums">
      <p className="text-zinc-900">{formatTokenCost(cost)}</p>
      <p className="text-xs text-zinc-500">{formatUsd(perMillionTokens(cost))} / 1M</p>
    </div>
  );
}

/** The upstream's models with their costs, health and last 24 h; the costs are the tenant's to set. */
export function ModelsPage() {
  useUsageLiveQueries();
  const canWrite = useCan('usage.settings.write');
  const toast = useToast();
  const utils = trpc.useUtils();
  const formatInstant = useFormatInstant();
  const models = trpc.usage.models.list.useQuery();
  const [editing, setEditing] = useState<UsageModel | null>(null);
  const refresh = trpc.usage.models.refresh.useMutation({
    onSuccess: (result) => {
      toast.success(`${result.models} modelo(s) atualizados do upstream; ${result.changed} mudaram de situação`);
      void utils.usage.models.list.invalidate();
    },
  });

  const columns: Column<UsageModel>[] = [
    {
      header: 'Modelo',
      cell: (model) => (
        <div className="min-w-36">
          <p className="font-medium text-zinc-900">{model.name}</p>
          <p className="text-xs text-zinc-500">
            {model.provider || 'provedor desconhecido'}
            {!model.listedUpstream && ' · fora da lista do upstream'}
          </p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (model) => (
        <div className="space-y-0.5">
          <Badge tone={MODEL_STATUSES[model.status].tone}>{MODEL_STATUSES[model.status].label}</Badge>
          <p className="text-xs whitespace-nowrap text-zinc-500" title={formatInstant(model.lastCheck)}>
            verificado {formatRelative(model.lastCheck)}
          </p>
        </div>
      ),
    },
    {
      header: 'Latência · erros',
      cell: (model) => (
        <div className="tabular-nums">
          <p>{formatLatency(model.responseTimeMs)}</p>
          <p className="text-xs text-zinc-500">{formatPercent(model.errorRate)} em 24 h</p>
        </div>
      ),
    },
    { header: 'Entrada', cell: (model) => <TokenCost cost={model.costPerInputToken} /> },
    { header: 'Saída', cell: (model) => <TokenCost cost={model.costPerOutputToken} /> },
    {
      header: 'Contexto',
      cell: (model) => (
        <div className="space-y-1">
          <p className="tabular-nums">{model.maxTokens === null ? '—' : `${formatTokens(model.maxTokens)} tokens`}</p>
          <p className="flex gap-1">
            {model.supportsVision && <Badge tone="blue">visão</Badge>}
            {model.supportsFunctionCalling && <Badge tone="blue">funções</Badge>}
          </p>
        </div>
      ),
    },
    {
      header: 'Últimas 24 h',
      cell: (model) => (
        <div className="tabular-nums">
          <p>{formatTokens(model.usage24h.tokens)} tokens</p>
          <p className="text-xs text-zinc-500">
            {formatTokens(model.usage24h.requests)} pedidos · {formatUsd(model.usage24h.cost)}
          </p>
        </div>
      ),
    },
    ...(canWrite
      ? [
          {
            header: 'Ações',
            className: 'text-right',
            cell: (model: UsageModel) => (
              <Button size="sm" aria-label={`Editar ${model.name}`} onClick={() => setEditing(model)}>
                Editar
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="Modelos"
        description="Os modelos do upstream, com o custo por token que entra nas análises e a saúde de cada um."
        actions={
          canWrite && (
            <Button tone="primary" busy={refresh.isPending} onClick={() => refresh.mutate()}>
              Atualizar do upstream
            </Button>
          )
        }
      />
      {refresh.isError && <Banner>{errorMessage(refresh.error)}</Banner>}
      <Panel title="Modelos do upstream">
        <DataTable
          label="Modelos"
          testId="usage-models-table"
          columns={columns}
          rows={models.data}
          rowKey={(model) => model.name}
          loading={models.isPending}
          empty={
            <EmptyOrError
              query={models}
              title="Nenhum modelo ainda"
              hint="Configure o upstream em Configuração da IA e clique em Atualizar do upstream."
            />
          }
        />
      </Panel>
      {editing && <ModelDialog model={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
