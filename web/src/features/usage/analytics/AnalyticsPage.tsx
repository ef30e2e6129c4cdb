import { useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Badge, Banner, Card, EmptyState, PageHeader, Panel } from '../../../ui/Layout';
import { AlertCountsChart, ErrorsLatencyChart, ModelShareChart, TokensByDayChart } from '../charts';
import { formatLatency, formatPercent, formatTokens, formatUsd } from '../format';
import { HEALTH, type Health } from '../labels';
import { useUsageLiveQueries } from '../liveEvents';
import { MetricCard } from '../MetricCard';
import { PeriodPicker } from '../PeriodPicker';
import type { AnalyticsPeriod, DashboardMetrics } from '../types';
import { UsageBreakdown } from './UsageBreakdown';

const HEALTH_PARTS: Array<{ key: keyof DashboardMetrics['systemHealth']; label: string }> = [
  { key: 'proxy', label: 'Proxy' },
  { key: 'litellm', label: 'Upstream (LiteLLM)' },
  { key: 'database', label: 'Banco de dados' },
  { key: 'redis', label: 'Redis' },
];

/** The tenant's AI usage over a period, from the daily rollups; it follows new requests live. */
export function AnalyticsPage() {
  useUsageLiveQueries();
  const [period, setPeriod] = useState<AnalyticsPeriod>('30d');
  const dashboard = trpc.usage.analytics.dashboard.useQuery({ period }, { placeholderData: (previous) => previous });
  const data = dashboard.data;
  return (
    <>
      <PageHeader
        title="Análises"
        description="Consumo, custo, erros e latência do proxy de IA, no fuso da empresa. Os números acompanham os pedidos ao vivo."
        actions={<PeriodPicker value={period} onChange={setPeriod} />}
      />
      {dashboard.isError && <Banner>{errorMessage(dashboard.error)}</Banner>}
      {dashboard.isPending && (
        <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
          <Spinner /> Carregando análises…
        </p>
      )}
      {data && <Dashboard data={data} />}
      {data && <UsageBreakdown key={`${data.period}:${data.from}:${data.to}`} window={{ from: data.from, to: data.to }} />}
    </>
  );
}

function Dashboard({ data }: { data: DashboardMetrics }) {
  return (
    <>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="usage-metrics">
        <MetricCard
          label="Usuários"
          value={formatTokens(data.totalUsers)}
          hint={`${formatTokens(data.usersWithUsage)} com uso no período`}
          testId="metric-users"
        />
        <MetricCard label="Ativos" value={formatTokens(data.activeUsers)} testId="metric-active" />
        <MetricCard label="Tokens" value={formatTokens(data.totalTokensUsed)} testId="metric-tokens" />
        <MetricCard label="Custo" value={formatUsd(data.totalCost)} testId="metric-cost" />
        <MetricCard label="Média por usuário" value={formatTokens(data.avgTokensPerUser)} hint="tokens, entre quem usou" />
        <MetricCard label="Requisições" value={formatTokens(data.requests)} testId="metric-requests" />
        <MetricCard
          label="Taxa de erro"
          value={formatPercent(data.errorRate)}
          hint={`${formatTokens(data.errors)} com erro`}
          testId="metric-error-rate"
        />
        <MetricCard label="Latência média" value={formatLatency(data.avgResponseTimeMs)} testId="metric-latency" />
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Panel title="Uso por dia" description="Tokens (barras) e custo em US$ (linha).">
          <Card>
            <TokensByDayChart days={data.usageByDay} testId="usage-by-day-chart" />
          </Card>
        </Panel>
        <Panel title="Modelos mais usados">
          <Card className="space-y-3">
            {data.topModels.length > 0 ? (
              <>
                <ModelShareChart
                  models={data.topModels.map((row) => ({ model: row.model, tokens: row.usage }))}
                  testId="top-models-chart"
                />
                <ul className="space-y-1 text-sm" data-testid="top-models">
                  {data.topModels.map((row) => (
                    <li key={row.model} className="flex justify-between gap-3 tabular-nums">
                      <span className="truncate text-zinc-900">{row.model}</span>
                      <span className="text-zinc-500">
                        {formatTokens(row.usage)} · {formatPercent(row.percentage)} · {formatUsd(row.cost)}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <EmptyState title="Nenhum uso no período" />
            )}
          </Card>
        </Panel>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Panel title="Erros e latência por dia">
          <Card>
            <ErrorsLatencyChart days={data.usageByDay} testId="errors-latency-chart" />
          </Card>
        </Panel>
        <Panel title="Alertas enviados" description="Alertas de consumo do período (sem os de teste).">
          <Card className="space-y-3">
            <AlertCountsChart counts={data.alertsSent} testId="alerts-sent-chart" />
            <dl className="grid grid-cols-3 gap-2 text-center text-sm" data-testid="alerts-sent">
              <Count label="80%" value={data.alertsSent.alert80} />
              <Count label="95%" value={data.alertsSent.alert95} />
              <Count label="Bloqueio" value={data.alertsSent.blocked} />
            </dl>
          </Card>
        </Panel>
      </div>
      <Panel title="Saúde do sistema">
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="system-health">
          {HEALTH_PARTS.map((part) => {
            const health = HEALTH[data.systemHealth[part.key] as Health];
            return (
              <li
                key={part.key}
                className="flex items-center justify-between gap-2 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm shadow-xs"
              >
                <span className="font-medium text-zinc-900">{part.label}</span>
                <span data-testid={`health-${part.key}`}>
                  <Badge tone={health.tone}>{health.label}</Badge>
                </span>
              </li>
            );
          })}
        </ul>
      </Panel>
    </>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-lg font-semibold text-zinc-900 tabular-nums">{formatTokens(value)}</dd>
    </div>
  );
}
