import { useEffect, useRef, useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { useLiveEvents } from '../../../lib/useLiveEvents';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { TextField } from '../../../ui/Field';
import { Banner, Card, PageHeader, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { addDays, isoWithOffset, todayIn } from '../../agenda/zonedTime';
import { isTicketEvent } from '../liveEvents';
import type { QueueStats } from '../types';
import { unitOrFirst, UnitSelect } from '../UnitSelect';
import { ByHourChart, ByOperatorChart } from './StatsCharts';
import { minutesOf, statsToCsv } from './statsCsv';

const REFRESH_MS = 30_000;
/** Live refetches at most this often: a busy unit moves tickets every few seconds. */
const LIVE_THROTTLE_MS = 2_000;

const minutesText = (seconds: number | null) => (seconds === null ? '—' : `${minutesOf(seconds)} min`);

/** Calls `run` now, or once at the end of the window when it ran within the last `windowMs`. */
function useThrottled(run: () => void, windowMs: number): () => void {
  const lastRun = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  return () => {
    if (pending.current) return;
    const wait = lastRun.current + windowMs - Date.now();
    const fire = () => {
      pending.current = null;
      lastRun.current = Date.now();
      latest.current();
    };
    if (wait <= 0) fire();
    else pending.current = setTimeout(fire, wait);
  };
}

function downloadCsv(stats: QueueStats, filename: string) {
  const url = URL.createObjectURL(new Blob([`\uFEFF${statsToCsv(stats)}`], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const serviceColumns: Column<QueueStats['byService'][number]>[] = [
  { header: 'Serviço', cell: (row) => row.serviceName },
  { header: 'Emitidas', cell: (row) => row.issued },
  { header: 'Concluídas', cell: (row) => row.completed },
  { header: 'Espera média', cell: (row) => minutesText(row.avgWaitSec) },
  { header: 'Atendimento médio', cell: (row) => minutesText(row.avgServiceSec) },
];

/** The unit's numbers over a period of days on its own clock (today by default), live. */
export function StatsPage() {
  const units = trpc.queue.units.list.useQuery();
  const [pickedUnitId, setPickedUnitId] = useState<string | null>(null);
  const unit = unitOrFirst(units.data, pickedUnitId);
  const today = unit ? todayIn(unit.timeZone) : '';
  const [period, setPeriod] = useState<{ from: string; to: string } | null>(null);
  const from = period?.from ?? today;
  const to = period?.to ?? today;
  const validPeriod = Boolean(unit && from && to && from <= to);
  const input = unit
    ? {
        unitId: unit.id,
        from: validPeriod ? isoWithOffset({ date: from, time: '00:00' }, unit.timeZone) : '',
        to: validPeriod ? isoWithOffset({ date: addDays(to, 1), time: '00:00' }, unit.timeZone) : '',
      }
    : { unitId: '', from: '', to: '' };
  const stats = trpc.queue.stats.useQuery(input, {
    enabled: validPeriod,
    refetchInterval: REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const refetch = useThrottled(() => void stats.refetch(), LIVE_THROTTLE_MS);
  useLiveEvents((event) => {
    if (isTicketEvent(event.type)) refetch();
  });

  const data = stats.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Estatísticas"
        description="Espera, atendimento e comparecimento, no horário da unidade."
        actions={
          data && <Button onClick={() => downloadCsv(data, `fila-${unit?.name ?? 'unidade'}-${from}-a-${to}.csv`)}>Exportar CSV</Button>
        }
      />
      <Card>
        <div className="grid gap-4 md:grid-cols-3">
          {units.data && unit && <UnitSelect units={units.data} value={unit.id} onChange={setPickedUnitId} />}
          <TextField label="De" type="date" value={from} onChange={(event) => setPeriod({ from: event.target.value, to })} />
          <TextField label="Até" type="date" value={to} onChange={(event) => setPeriod({ from, to: event.target.value })} />
        </div>
      </Card>
      {!validPeriod && unit && <Banner>O fim do período deve ser no mesmo dia do início ou depois.</Banner>}
      {stats.isError && <Banner>{stats.error.message}</Banner>}
      {data && (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="stats-totals">
            <StatCard label="Emitidas" value={data.totals.issued} />
            <StatCard label="Concluídas" value={data.totals.completed} testId="stat-completed" />
            <StatCard label="Espera média" value={minutesText(data.totals.avgWaitSec)} />
            <StatCard label="Espera p90" value={minutesText(data.totals.p90WaitSec)} />
            <StatCard label="Atendimento médio" value={minutesText(data.totals.avgServiceSec)} />
            <StatCard
              label="Não comparecimento"
              value={data.totals.noShowRate === null ? '—' : `${Math.round(data.totals.noShowRate * 1000) / 10}%`}
            />
            <StatCard label="Chamadas" value={data.totals.called} />
            <StatCard label="Canceladas" value={data.totals.cancelled} />
          </div>
          <Panel title="Aguardando agora">
            <ul className="flex flex-wrap gap-3 text-sm">
              {data.waitingNow.map((line) => (
                <li key={line.serviceId} className="rounded-md border border-zinc-200 bg-white px-3 py-2">
                  <span className="font-mono">{line.prefix}</span> {line.serviceName}:{' '}
                  <span className="font-semibold tabular-nums">{line.waiting}</span>
                </li>
              ))}
            </ul>
          </Panel>
          <div className="grid gap-6 lg:grid-cols-2">
            <Panel title="Por hora do dia">
              <Card>
                <ByHourChart byHour={data.byHour} />
              </Card>
            </Panel>
            <Panel title="Por operador">
              <Card>
                <ByOperatorChart byOperator={data.byOperator} />
              </Card>
            </Panel>
          </div>
          <Panel title="Por serviço">
            <DataTable
              label="Por serviço"
              testId="stats-by-service"
              columns={serviceColumns}
              rows={data.byService}
              rowKey={(row) => row.serviceId}
              empty={<EmptyOrError query={stats} title="Nenhuma senha no período" />}
            />
          </Panel>
        </>
      )}
    </div>
  );
}

function StatCard({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <Card className="p-4">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-zinc-900" data-testid={testId}>
        {value}
      </p>
    </Card>
  );
}
