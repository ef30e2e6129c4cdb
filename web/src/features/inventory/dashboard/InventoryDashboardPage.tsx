import { useEffect, useRef, useState, type ReactNode } from 'react';
import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';
import { SelectField } from '../../../ui/Field';
import { Banner, Card, PageHeader, Panel } from '../../../ui/Layout';
import { formatValue, STATUS_LABELS } from '../assets/labels';
import { touchesAssets } from '../assets/liveEvents';
import { placeOptions } from '../assets/options';
import { CountBars, ShareDoughnut } from './InventoryCharts';

/** Live refreshes at most this often: an import or an audit changes many assets in a burst. */
const LIVE_THROTTLE_MS = 2_000;
/** The charts show this many bars; the rest are summed as "Outros". */
const TOP = 10;

function Kpi({ label, value, testId, tone = 'plain' }: { label: string; value: ReactNode; testId: string; tone?: 'plain' | 'alert' }) {
  return (
    <Card className="p-4">
      <p className="text-xs text-zinc-500">{label}</p>
      <p
        className={`mt-1 text-xl font-semibold wrap-anywhere tabular-nums ${tone === 'alert' ? 'text-red-700' : 'text-zinc-900'}`}
        data-testid={testId}
      >
        {value}
      </p>
    </Card>
  );
}

const topSlices = (rows: ReadonlyArray<{ name: string; count: number }>) => {
  const slices = rows.slice(0, TOP).map((row) => ({ label: row.name, count: row.count }));
  const rest = rows.slice(TOP).reduce((sum, row) => sum + row.count, 0);
  return rest > 0 ? [...slices, { label: 'Outros', count: rest }] : slices;
};

/** The inventory at a glance: totals, value, loans, maintenance and SLA, and how assets spread over categories, places and statuses; live. */
export function InventoryDashboardPage() {
  const places = trpc.inventory.locations.list.useQuery();
  const [locationId, setLocationId] = useState('');
  const summary = trpc.inventory.dashboard.summary.useQuery(locationId ? { locationId } : {}, { placeholderData: (previous) => previous });
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  useLiveEvents((event) => {
    if (!touchesAssets(event.type) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void summary.refetch();
      void places.refetch();
    }, LIVE_THROTTLE_MS);
  });
  const data = summary.data;
  return (
    <div className="space-y-6">
      <PageHeader title="Visão do inventário" description="Quanto há, quanto vale, o que está fora e o que está parado, ao vivo." />
      <div className="max-w-sm">
        <SelectField
          label="Local"
          options={placeOptions(places.data, 'Toda a empresa')}
          value={locationId}
          onChange={(event) => setLocationId(event.target.value)}
        />
      </div>
      {summary.isError && <Banner>{summary.error.message}</Banner>}
      {data && (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="inventory-kpis">
            <Kpi label="Ativos" value={data.totals.assets} testId="kpi-assets" />
            <Kpi label="Valor total" value={formatValue(data.totals.valueCents)} testId="kpi-value" />
            <Kpi label="Emprestados" value={data.totals.onLoan} testId="kpi-on-loan" />
            <Kpi
              label="Empréstimos atrasados"
              value={data.totals.overdueLoans}
              testId="kpi-overdue"
              tone={data.totals.overdueLoans ? 'alert' : 'plain'}
            />
            <Kpi label="Em manutenção" value={data.totals.inMaintenance} testId="kpi-maintenance" />
            <Kpi
              label="SLAs vencidos"
              value={data.totals.slaBreaches}
              testId="kpi-sla"
              tone={data.totals.slaBreaches ? 'alert' : 'plain'}
            />
          </div>
          <div className="grid gap-6 xl:grid-cols-3">
            <Panel title="Por categoria">
              <Card>
                <CountBars label="Ativos por categoria" testId="chart-category" slices={topSlices(data.byCategory)} />
              </Card>
            </Panel>
            <Panel title={data.location ? `Dentro de ${data.location.name}` : 'Por local'}>
              <Card>
                <CountBars label="Ativos por local" testId="chart-location" slices={topSlices(data.byLocation)} />
              </Card>
            </Panel>
            <Panel title="Por situação">
              <Card>
                <ShareDoughnut
                  label="Ativos por situação"
                  testId="chart-status"
                  slices={data.byStatus.map((row) => ({ label: STATUS_LABELS[row.status], count: row.count }))}
                />
              </Card>
            </Panel>
          </div>
        </>
      )}
    </div>
  );
}
