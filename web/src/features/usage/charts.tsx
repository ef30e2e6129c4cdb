import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import { Chart, Doughnut } from 'react-chartjs-2';
import { shortDay } from './dates';

// Only the parts these charts draw: the rest of Chart.js stays out of the bundle.
ChartJS.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  DoughnutController,
  ArcElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

const PALETTE = ['#18181b', '#0284c7', '#059669', '#f59e0b', '#dc2626', '#7c3aed', '#71717a', '#db2777'];
const base = { animation: false, responsive: true, maintainAspectRatio: false } as const;

/** A chart's frame: its accessible name (the canvas is an image) and a fixed height. */
function ChartFrame({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <div className="h-64" role="img" aria-label={label} data-testid={testId}>
      {children}
    </div>
  );
}

type Mixed = ChartData<'bar' | 'line', number[], string>;

/** Bars on the left axis and a line on the right one, per day. */
function BarsAndLine({
  label,
  testId,
  days,
  bars,
  line,
}: {
  label: string;
  testId: string;
  days: readonly string[];
  bars: { label: string; values: number[]; color: string };
  line: { label: string; values: number[]; color: string };
}) {
  const data: Mixed = {
    labels: days.map(shortDay),
    datasets: [
      { type: 'bar', label: bars.label, data: bars.values, backgroundColor: bars.color, yAxisID: 'left', order: 2 },
      {
        type: 'line',
        label: line.label,
        data: line.values,
        borderColor: line.color,
        backgroundColor: line.color,
        pointRadius: 2,
        yAxisID: 'right',
        order: 1,
      },
    ],
  };
  const options: ChartOptions<'bar' | 'line'> = {
    ...base,
    scales: {
      left: { type: 'linear', position: 'left', beginAtZero: true, ticks: { precision: 0 } },
      right: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
    },
  };
  return (
    <ChartFrame label={label} testId={testId}>
      <Chart type="bar" data={data} options={options} />
    </ChartFrame>
  );
}

/** Tokens (bars) and cost in dollars (line) per day. */
export function TokensByDayChart({
  days,
  testId,
}: {
  days: ReadonlyArray<{ date: string; tokens: number; cost: string }>;
  testId: string;
}) {
  return (
    <BarsAndLine
      label="Tokens e custo por dia"
      testId={testId}
      days={days.map((day) => day.date)}
      bars={{ label: 'Tokens', values: days.map((day) => day.tokens), color: '#18181b' }}
      line={{ label: 'Custo (US$)', values: days.map((day) => Number(day.cost)), color: '#059669' }}
    />
  );
}

/** Failed requests (bars) and the average latency in ms (line) per day. */
export function ErrorsLatencyChart({
  days,
  testId,
}: {
  days: ReadonlyArray<{ date: string; errors: number; avgResponseTimeMs: number }>;
  testId: string;
}) {
  return (
    <BarsAndLine
      label="Erros e latência por dia"
      testId={testId}
      days={days.map((day) => day.date)}
      bars={{ label: 'Erros', values: days.map((day) => day.errors), color: '#dc2626' }}
      line={{ label: 'Latência média (ms)', values: days.map((day) => day.avgResponseTimeMs), color: '#0284c7' }}
    />
  );
}

/** Each model's share of the tokens. */
export function ModelShareChart({ models, testId }: { models: ReadonlyArray<{ model: string; tokens: number }>; testId: string }) {
  const data: ChartData<'doughnut', number[], string> = {
    labels: models.map((row) => row.model),
    datasets: [
      {
        label: 'Tokens',
        data: models.map((row) => row.tokens),
        backgroundColor: models.map((_, index) => PALETTE[index % PALETTE.length]!),
      },
    ],
  };
  return (
    <ChartFrame label="Tokens por modelo" testId={testId}>
      <Doughnut data={data} options={{ ...base, plugins: { legend: { position: 'right' } } }} />
    </ChartFrame>
  );
}

/** Alerts raised in the period, by kind. */
export function AlertCountsChart({ counts, testId }: { counts: { alert80: number; alert95: number; blocked: number }; testId: string }) {
  const data: ChartData<'bar', number[], string> = {
    labels: ['80%', '95%', 'Bloqueio'],
    datasets: [
      { label: 'Alertas', data: [counts.alert80, counts.alert95, counts.blocked], backgroundColor: ['#f59e0b', '#ea580c', '#dc2626'] },
    ],
  };
  return (
    <ChartFrame label="Alertas enviados" testId={testId}>
      <Chart
        type="bar"
        data={data}
        options={{ ...base, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
      />
    </ChartFrame>
  );
}
