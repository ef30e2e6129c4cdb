import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { Bar, Doughnut } from 'react-chartjs-2';

// Only the parts these charts draw: the rest of Chart.js stays out of the bundle.
ChartJS.register(BarController, BarElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend);

const PALETTE = ['#18181b', '#0284c7', '#059669', '#f59e0b', '#dc2626', '#7c3aed', '#71717a', '#db2777', '#65a30d', '#0891b2'];
const base = { animation: false, responsive: true, maintainAspectRatio: false } as const;

export interface Slice {
  label: string;
  count: number;
}

/** A chart's frame: its accessible name (the canvas is an image) and a fixed height. */
function ChartFrame({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <div className="h-64" role="img" aria-label={label} data-testid={testId}>
      {children}
    </div>
  );
}

/** Counts as horizontal bars, largest first (category or place names can be long). */
export function CountBars({ label, testId, slices }: { label: string; testId: string; slices: readonly Slice[] }) {
  return (
    <ChartFrame label={label} testId={testId}>
      <Bar
        data={{
          labels: slices.map((slice) => slice.label),
          datasets: [{ label: 'Ativos', data: slices.map((slice) => slice.count), backgroundColor: '#0284c7' }],
        }}
        options={{
          ...base,
          indexAxis: 'y',
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        }}
      />
    </ChartFrame>
  );
}

/** Shares of a whole, as a doughnut with its legend beside it. */
export function ShareDoughnut({ label, testId, slices }: { label: string; testId: string; slices: readonly Slice[] }) {
  return (
    <ChartFrame label={label} testId={testId}>
      <Doughnut
        data={{
          labels: slices.map((slice) => slice.label),
          datasets: [
            {
              label: 'Ativos',
              data: slices.map((slice) => slice.count),
              backgroundColor: slices.map((_, index) => PALETTE[index % PALETTE.length]!),
            },
          ],
        }}
        options={{ ...base, plugins: { legend: { position: 'right' } } }}
      />
    </ChartFrame>
  );
}
