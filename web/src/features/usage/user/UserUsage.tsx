import { useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Banner, Card, EmptyState, Panel } from '../../../ui/Layout';
import { ModelShareChart, TokensByDayChart } from '../charts';
import { formatLatency, formatPercent, formatTokens, formatUsd } from '../format';
import { MetricCard } from '../MetricCard';
import { PeriodPicker } from '../PeriodPicker';
import type { AnalyticsPeriod } from '../types';

/** The user's usage over a period, from the daily rollups: figures, tokens per day and per model. */
export function UserUsage({ userId }: { userId: string }) {
  const [period, setPeriod] = useState<AnalyticsPeriod>('30d');
  const analytics = trpc.usage.analytics.user.useQuery({ userId, period }, { placeholderData: (previous) => previous });
  const data = analytics.data;
  return (
    <Panel title="Consumo do usuário" actions={<PeriodPicker value={period} onChange={setPeriod} />} testId="user-analytics">
      {analytics.isError && <Banner>{errorMessage(analytics.error)}</Banner>}
      {data && (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            <MetricCard label="Tokens" value={formatTokens(data.totalTokens)} testId="user-metric-tokens" />
            <MetricCard label="Custo" value={formatUsd(data.totalCost)} />
            <MetricCard label="Requisições" value={formatTokens(data.requestCount)} />
            <MetricCard label="Média por requisição" value={formatTokens(data.avgTokensPerRequest)} />
            <MetricCard label="Taxa de erro" value={formatPercent(data.errorRate)} />
            <MetricCard label="Latência média" value={formatLatency(data.avgResponseTime)} />
          </div>
          <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
            <Card>
              <TokensByDayChart days={data.dailyUsage} testId="user-daily-chart" />
            </Card>
            <Card>
              {data.modelUsage.length > 0 ? (
                <ModelShareChart models={data.modelUsage} testId="user-models-chart" />
              ) : (
                <EmptyState title="Nenhum uso no período" />
              )}
            </Card>
          </div>
        </>
      )}
    </Panel>
  );
}
